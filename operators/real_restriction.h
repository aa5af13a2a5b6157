#pragma once

#include "operators/linear_operator.h"

namespace diffrecon {

// A complex operator A restricted to real inputs, as a real operator (for real-valued unknowns, e.g. a
// real image prior on complex MRI data):
//   A_r x = [Re A x, Im A x]            (range: A's range shape with a trailing 2, torch.view_as_real)
//   A_rᴴ v = Re Aᴴ(v₀ + i v₁)           (adjoint for the real inner product)
//   A_rᴴ A_r x = Re AᴴA x.
// y_r = view_as_real(y) is the measurement in A_r's range, and A_rᴴ y_r = Re Aᴴy.
OperatorPtr real_restriction(OperatorPtr complex_operator);

}  // namespace diffrecon
