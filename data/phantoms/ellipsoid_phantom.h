#pragma once

#include <torch/types.h>

#include <vector>

namespace diffrecon {

// An ellipsoid of constant added value in normalised coordinates: the volume spans [−1, 1] along each
// axis (voxel centres at (2i + 1)/n − 1); x grows with the column, y with the row, z with the slice.
// Points p with ‖diag(1/a, 1/b, 1/c) R(−phi) (p − centre)‖ ≤ 1 get `value` added, where R(phi) rotates
// the x–y plane by phi (radians, from +x towards +y).
struct Ellipsoid {
  double value;
  double semi_axis_x, semi_axis_y, semi_axis_z;
  double centre_x, centre_y, centre_z;
  double phi;
};

// The 3D Shepp–Logan head (Kak & Slaney 1988, 3D extension as in Matlab's phantom3d). `modified`
// selects Toft's higher-contrast intensities (1, −0.8, −0.2, …) instead of the original (2, −0.98,
// −0.02, …). The central axial slice is the 2D phantom; in-plane angles are Toft's ±18°.
std::vector<Ellipsoid> shepp_logan_ellipsoids(bool modified = true);

// Sums the ellipsoids on a [nz, ny, nx] grid, sampled at voxel centres (float32, CPU).
torch::Tensor rasterize_ellipsoids(const std::vector<Ellipsoid>& ellipsoids, int64_t nz, int64_t ny, int64_t nx);

// rasterize_ellipsoids(shepp_logan_ellipsoids(modified), nz, ny, nx).
torch::Tensor shepp_logan_3d(int64_t nz, int64_t ny, int64_t nx, bool modified = true);

}  // namespace diffrecon
