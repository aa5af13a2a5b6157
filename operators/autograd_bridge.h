#pragma once

#include "operators/linear_operator.h"

namespace diffrecon {

// y = A x recorded in the torch autograd graph: backward maps the output gradient g to Aᴴ g (the
// vector-Jacobian product of a linear map, for real and complex tensors alike), itself recorded, so
// double backward works. Lets operators without torch-differentiable implementations (CT kernels,
// FFTW) sit inside a loss, as DPS (TPDM) and DDIP's adaptation need.
torch::Tensor apply_differentiable(const OperatorPtr& op, const torch::Tensor& x);

}  // namespace diffrecon
