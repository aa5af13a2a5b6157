#pragma once

#include <torch/types.h>

#include <vector>

#include "data/phantoms/ellipsoid_phantom.h"

namespace diffrecon {

// Exact 2D parallel-beam line integrals of an ellipsoid phantom, slice by slice along z: every axial
// slice z_k = (2k + 1)/nz − 1 (k = 0 … nz − 1, the voxel centres of rasterize_ellipsoids) is measured
// with the same 2D geometry. Returns float64 [nz, angles, detector_positions] on the CPU.
//
// Coordinates are the normalised ones of Ellipsoid (x grows with the column, y with the row). Angle θ is
// measured from +x towards +y; detector position s labels the line {p : p·(cos θ, sin θ) = s}, so rays
// run along (−sin θ, cos θ) and θ = 0 integrates along y (down the columns) with s = x.
//
// An ellipsoid cuts the plane z = z_k in the ellipse with the same centre (cx, cy) and angle phi and
// semi-axes r·a, r·b, r = √(1 − ((z_k − cz)/c)²) (none when |z_k − cz| ≥ c). For an ellipse of value v,
// semi-axes A, B, angle phi and centre (x0, y0) (Kak & Slaney 1988, eq. 3.47, shifted and rotated):
//   s' = s − (x0 cos θ + y0 sin θ),  α²(θ) = A² cos²(θ − phi) + B² sin²(θ − phi),
//   P(θ, s) = 2 v A B √(α² − s'²) / α²  for |s'| < α, else 0;
// the phantom's projection is the sum over ellipsoids.
//
// Physical units: when the in-plane field of view spans [−h, h] along both x and y (h in mm, or h = n/2
// for an n × n slice in units of its pixel spacing), pass half_width = h and detector positions in that
// unit; the result is value × that unit: P_h(θ, s) = h · P_1(θ, s / h). The slice positions z_k do not
// depend on half_width. x and y must share the extent (a non-square field of view is anisotropic).
torch::Tensor analytic_parallel_projection(const std::vector<Ellipsoid>& ellipsoids, int64_t nz,
                                           const std::vector<double>& angles_rad,
                                           const std::vector<double>& detector_positions,
                                           double half_width = 1.0);

}  // namespace diffrecon
