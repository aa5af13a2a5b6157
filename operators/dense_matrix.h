#pragma once

#include "operators/linear_operator.h"

namespace diffrecon {

// x ↦ M x for a 2D tensor M [m, n] (real or complex): domain [n], range [m], adjoint y ↦ Mᴴ y.
// For small problems and tests (dense solves, known spectra).
OperatorPtr dense_matrix(torch::Tensor matrix, std::string name = "M");

}  // namespace diffrecon
