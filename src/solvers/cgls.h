#pragma once

#include <torch/types.h>

#include <functional>

#include "operators/linear_operator.h"

namespace diffrecon {

struct CglsOptions {
  int max_iterations = 30;
  // Stop once ‖Aᴴ(y − A x)‖ ≤ tolerance · ‖Aᴴ(y − A x0)‖.
  double tolerance = 1e-6;
  // Called after every iteration with the number of iterations done (progress reporting).
  std::function<void(int)> on_iteration;
};

struct CglsResult {
  torch::Tensor x;
  int iterations = 0;
  double relative_normal_residual = 0;  // ‖Aᴴ(y − A x)‖ / ‖Aᴴ(y − A x0)‖ (absolute when the latter is 0)
  bool converged = false;
};

// Least squares  min_x ‖A x − y‖²  by CGLS (conjugate gradients on AᴴA x = Aᴴy without forming AᴴA:
// one apply and one adjoint per iteration, recursions on the residual r = y − A x), from x0 (zeros when
// undefined). Stopped early it is a regularised solution (semi-convergence). Real or complex.
// Throws Error when the recursion produces NaN/Inf.   Reference: Björck 1996, §7.4 (CGLS1).
CglsResult cgls(const LinearOperator& a, const torch::Tensor& y, const torch::Tensor& x0 = {},
                const CglsOptions& options = {});

}  // namespace diffrecon
