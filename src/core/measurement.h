#pragma once

#include <torch/types.h>

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "core/geometry.h"

namespace diffrecon {

// kZsr: MR through-plane super-resolution (thick slices, each the mean of `slice_factor` thin ones).
enum class Modality { kCt, kMri, kZsr };

// "ct", "mri", "zsr".
const char* to_string(Modality modality);
// Inverse of to_string; throws InvalidArgument for any other name.
Modality parse_modality(const std::string& name);

// Noise added to the noiseless forward model A x:
//   "none"      y = A x; sigma = 0, photons = 0.
//   "gaussian"  y = A x + n, n ~ N(0, sigma²) per real value (for complex data independently in the real
//               and imaginary parts); sigma > 0 in the data's units, photons = 0.
//   "poisson"   CT only: counts N ~ Poisson(photons · exp(−A x)), y = −log(max(N, 1) / photons);
//               photons > 0, sigma = 0.
struct NoiseModel {
  std::string kind = "none";
  double sigma = 0;
  double photons = 0;

  bool operator==(const NoiseModel& other) const;
};

struct Provenance {
  std::string diffrecon_version;  // e.g. "0.1.0"
  std::string command;            // the command line that produced the measurement
  std::string created;            // ISO 8601 UTC time, e.g. "2026-11-29T14:03:00Z"
  uint64_t seed = 0;              // seed of the noise and any random sampling mask

  bool operator==(const Provenance& other) const;
};

// Scanner data with everything needed to reconstruct it; the in-memory form of a measurement file
// (docs/measurement_format.md). Tensors are [slowest, ..., fastest], Z/Y/X as in Volume.
//
// CT (parallel beam, one detector row per volume slice z):
//   data            float32 [Z, views, detectors]  line integrals ∫ μ dl (μ in 1/mm, lengths in mm)
//   arrays          "angles": float64 [views], radians
//   parameters      "detector_spacing_mm" > 0 (required); others free-form
// MRI (Cartesian, multi-coil):
//   data            complex64 [coils, Z, Y, X]  k-space, Y and X the image's Y and X
//   arrays          "mask": float32 or uint8, values 0 or 1, [Y, X] or [Z, Y, X], each size equal to the
//                   data's or 1 (broadcast); "coil_maps" (optional): complex64 [coils, Z, Y, X]
//   parameters      "acceleration" ≥ 1 (optional); others free-form
// MR z-super-resolution (thick-slice acquisition, operators/slice_average.h):
//   data            float32 [Zt, Y, X]  thick-slice images, Zt = ⌈Z / slice_factor⌉, (X, Y, Z) = volume_size
//   arrays          none
//   parameters      "slice_factor": an integer ≥ 1 (required), thin slices averaged into one thick slice
// Parameter names are 1 to 64 letters, digits and '_'; parameters and array values are finite.
struct Measurement {
  Modality modality = Modality::kCt;
  torch::Tensor data;
  std::map<std::string, torch::Tensor> arrays;
  std::map<std::string, double> parameters;
  std::array<int64_t, 3> volume_size{0, 0, 0};  // (x, y, z) voxels of the volume to reconstruct
  Geometry geometry;                            // of the volume to reconstruct (LPS)
  NoiseModel noise;
  Provenance provenance;
};

// Largest number of elements of one array of a measurement (and of the target volume).
constexpr int64_t kMaxMeasurementElements = int64_t{1} << 31;
// Longest text field (noise kind, provenance strings), in bytes.
constexpr size_t kMaxMeasurementText = 65536;

// Throws InvalidArgument "<what>: <field>: <expected, found>" unless the measurement is consistent:
// the shapes, dtypes and values listed above, volume_size in [1, kMaxMeasurementElements] voxels and
// equal to the data's Z (CT), (X, Y, Z) (MRI) or (X, Y, ⌈Z/f⌉) (z-SR), a valid geometry, a noise model as in NoiseModel,
// no array names other than those listed, and text fields of at most kMaxMeasurementText bytes
// without NUL characters. Tensors may be on any device. Fields are named as in the
// file (/data, /forward_model/angles, /geometry/volume_size, /noise/sigma, ...).
void validate(const Measurement& measurement, const std::string& what);

}  // namespace diffrecon
