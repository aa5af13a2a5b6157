#pragma once

#include <torch/types.h>

#include <cstdint>
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

// Ranges for random_ellipsoids. Semi-axes are uniform in [min_semi_axis, max_semi_axis], value
// magnitudes uniform in [min_value, max_value]; a value is negative with probability negative_fraction.
// Requires 0 < min_semi_axis ≤ max_semi_axis ≤ 1, 0 ≤ min_value ≤ max_value, 0 ≤ negative_fraction ≤ 1.
struct RandomEllipsoidOptions {
  double min_semi_axis = 0.05;
  double max_semi_axis = 0.4;
  double min_value = 0.1;
  double max_value = 1.0;
  double negative_fraction = 0.0;
};

// `count` random ellipsoids lying inside the cube [−1, 1]³: phi is uniform in [0, π); each centre
// coordinate is uniform over the positions that keep the ellipsoid's bounding box
// (±√(a² cos²phi + b² sin²phi), ±√(a² sin²phi + b² cos²phi), ±c) inside the cube.
// Deterministic and platform independent: std::mt19937_64(seed), u = (draw >> 11)·2⁻⁵³ ∈ [0, 1), nine
// draws per ellipsoid (a, b, c, phi, centre x, y, z, |value|, sign), so the first n ellipsoids of a
// longer list with the same seed and options are the list for count n.
std::vector<Ellipsoid> random_ellipsoids(int count, uint64_t seed,
                                         const RandomEllipsoidOptions& options = {});

}  // namespace diffrecon
