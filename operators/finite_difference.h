#pragma once

#include "operators/linear_operator.h"

namespace diffrecon {

enum class Boundary {
  kCircular,  // (D x)[k] = x[k+1] − x[k], with x[N] = x[0] (the official DiffusionMBIR _Dz)
  kNeumann,   // (D x)[k] = x[k+1] − x[k] for k < N−1, and 0 at k = N−1 (zero flux at the last sample)
};

// Forward difference along one dimension of a tensor of `shape`, range = domain = shape. No division
// by the spacing: the unit is "per voxel". Adjoint (plain element sums):
//   circular: (Dᴴ v)[k] = v[k−1] − v[k]   (indices mod N)
//   Neumann:  (Dᴴ v)[k] = v[k−1]·[k ≥ 1] − v[k]·[k ≤ N−2]
// Real or complex input.
OperatorPtr finite_difference(Shape shape, int64_t dim, Boundary boundary = Boundary::kCircular);

// Differences along z, y, x of tensors [..., Z, Y, X] (dims −3, −2, −1).
OperatorPtr finite_difference_z(Shape shape, Boundary boundary = Boundary::kCircular);
OperatorPtr finite_difference_y(Shape shape, Boundary boundary = Boundary::kCircular);
OperatorPtr finite_difference_x(Shape shape, Boundary boundary = Boundary::kCircular);

// stack(D_z, D_y, D_x): the anisotropic 3D gradient, ‖∇x‖₁ = Σ |D_z x| + |D_y x| + |D_x x|.
OperatorPtr gradient_3d(Shape shape, Boundary boundary = Boundary::kCircular);

}  // namespace diffrecon
