#pragma once

#include <torch/types.h>

#include <string>

#include "core/volume.h"
#include "data/io/dataset_part.h"

namespace diffrecon {

// The head CT of Debian's invesalius-examples: an InVesalius 3 project (a gzipped tar holding main.plist,
// whose "matrix" entry names the voxel file, its dtype and shape, and "spacing"; matrix.dat: int16
// Hounsfield units, 108 × 256 × 256 slowest axis first, slice index growing towards superior;
// 0.957 × 0.957 × 1.5 mm). The project's real CT for training and evaluating CT priors.
constexpr const char* kCraniumPath = "/usr/share/doc/invesalius-examples/examples/Cranium.inv3";

// Linear attenuation of water, 1/mm: 0.019/mm is water's μ near 70 keV, the effective energy of a
// 120 kVp clinical beam (NIST XCOM: 0.1929 cm²/g at 70 keV × 1 g/cm³ = 0.0193/mm).
constexpr double kWaterAttenuationPerMm = 0.019;

// Its split along z: the lowest 60% of the slices is the training part, the top 30% the held-out test
// part, the 10% between unused.
constexpr double kCraniumTrainingFraction = 0.6, kCraniumTestStart = 0.7;

// The voxels of an InVesalius 3 project as stored (Hounsfield units for CT), float32 [Z, Y, X], with the
// project's spacing, origin 0 and identity direction. Reads the archive with libarchive and the
// property list with libplist. Throws IoError naming the file and what is wrong: not an archive, a
// truncated one, no main.plist, a matrix member missing or of the wrong size, an unsupported dtype.
Volume read_invesalius_project(const std::string& path);

// μ = μ_water (1 + HU / 1000), clipped at 0 (air −1000 HU → 0; water → μ_water; bone ≈ +1000 → 2 μ_water).
torch::Tensor hounsfield_to_attenuation(const torch::Tensor& hounsfield);

// The Cranium CT as linear attenuation (1/mm), cut to `part`.
Volume cranium(DatasetPart part, const std::string& path = kCraniumPath);

}  // namespace diffrecon
