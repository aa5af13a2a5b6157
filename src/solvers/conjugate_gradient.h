#pragma once

#include <torch/types.h>

#include "operators/linear_operator.h"

namespace diffrecon {

struct CgOptions {
  int max_iterations = 50;
  // Stop a system once ‖b − A x‖ ≤ tolerance · ‖b‖.
  double tolerance = 1e-6;
  // Leading dimensions that index independent systems (e.g. 1 for slice-wise problems on [Z, Y, X]).
  // 0: one system over the whole tensor, with global inner products.
  int64_t batch_dims = 0;
};

struct CgResult {
  torch::Tensor x;
  int iterations = 0;
  // max over systems of ‖b − A x‖ / ‖b‖ (absolute ‖b − A x‖ where b = 0), from the CG recursion.
  double relative_residual = 0;
  bool converged = false;
};

// Solves A x = b for a Hermitian positive semi-definite A (real or complex) by conjugate gradients,
// starting from x0 (zeros when undefined). With batch_dims > 0, A must act independently on each system
// (block-diagonal); every system gets its own step sizes and stops on its own. Throws Error when the
// recursion produces NaN/Inf.   Reference: Hestenes & Stiefel 1952; Shewchuk 1994, §B2.
CgResult conjugate_gradient(const LinearOperator& a, const torch::Tensor& b, const torch::Tensor& x0 = {},
                            const CgOptions& options = {});

}  // namespace diffrecon
