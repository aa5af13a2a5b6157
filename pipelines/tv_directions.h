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

// "xyz", "xy", "z"; parse throws InvalidArgument for anything else.
const char* to_string(TvDirections directions);
TvDirections parse_tv_directions(const std::string& name);

// D for a volume of `shape`: the finite differences stacked.
OperatorPtr tv_operator(const Shape& shape, TvDirections directions);

}  // namespace diffrecon
