#pragma once

#include <string>

#include "operators/linear_operator.h"

namespace diffrecon {

// The directions of an anisotropic TV regulariser ‖D x‖₁ on [Z, Y, X] volumes (Neumann differences).
enum class TvDirections {
  kXyz,  // 3D: |D_z x|₁ + |D_y x|₁ + |D_x x|₁
  kXy,   // in-plane (slice by slice): |D_y x|₁ + |D_x x|₁
  kZ,    // along z only (DiffusionMBIR's complement to a 2D prior)
};

// How the differences of one voxel combine: Σ_d |D_d x| (anisotropic) or √(Σ_d |D_d x|²) (isotropic).
enum class TvNorm { kAnisotropic, kIsotropic };

// "xyz", "xy", "z"; parse throws InvalidArgument for anything else.
const char* to_string(TvDirections directions);
TvDirections parse_tv_directions(const std::string& name);

// "anisotropic", "isotropic"; parse throws InvalidArgument for anything else.
const char* to_string(TvNorm norm);
TvNorm parse_tv_norm(const std::string& name);

// D for a volume of `shape`: the finite differences stacked.
OperatorPtr tv_operator(const Shape& shape, TvDirections directions);

// The grouping of D's range for the proximal maps (solvers/proximal.h): the number of directions when
// isotropic, 1 when anisotropic.
int tv_groups(TvDirections directions, TvNorm norm);

}  // namespace diffrecon
