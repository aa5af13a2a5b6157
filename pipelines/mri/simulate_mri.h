#pragma once

#include <cstdint>

#include "core/measurement.h"
#include "core/volume.h"
#include "operators/mri/sampling_mask.h"

namespace diffrecon {

struct MriScan {
  int64_t coils = 8;
  MaskOptions mask;       // kind, acceleration, centre fraction (its seed is the simulation's seed)
  int fft_dims = 2;       // 2: every axial slice a 2D acquisition; 3: one 3D acquisition
  bool vary_mask = false; // 2D: a different mask for every slice (seeds seed, seed + 1, …)
};

// The sampling mask of a scan for an image [Z, Y, X], broadcasting against it. Readout along X (always
// fully sampled), phase encoding along Y (2D) or Y and Z (3D):
//   fft_dims 2, 1D kinds: ky lines [Y, 1] ([Z, Y, 1] with vary_mask); 2D kinds: (ky, kx) points [Y, X]
//   ([Z, Y, X]); fft_dims 3, 1D kinds: ky lines [1, Y, 1]; 2D kinds: (kz, ky) points [Z, Y, 1].
torch::Tensor scan_mask(const MriScan& scan, int64_t nz, int64_t ny, int64_t nx, uint64_t seed);

// Multi-coil Cartesian k-space of `volume` (real or complex; complex64 is used): y = M F (S x) (+ noise)
// with birdcage coil maps (stored in the measurement), the scan's mask and Gaussian noise of σ per real
// and imaginary part ("gaussian") or none. Parameters: fft_dims, acceleration (achieved), coils.
Measurement simulate_mri(const Volume& volume, const MriScan& scan, const NoiseModel& noise, uint64_t seed);

}  // namespace diffrecon
