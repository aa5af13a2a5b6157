#pragma once

#include <torch/types.h>

#include <functional>

#include "operators/linear_operator.h"

namespace diffrecon {

// prox(v, t) = argmin_x g(x) + ‖x − v‖² / (2t), the proximal map of the regulariser g with step t.
using ProximalMap = std::function<torch::Tensor(const torch::Tensor& v, double t)>;

struct FistaOptions {
  double step = 1.0;  // t ≤ 1 / ‖AᴴA‖ (convergence needs it)
  int max_iterations = 100;
  // Stop once ‖x_k − x_{k−1}‖ ≤ tolerance · ‖x_k‖ (0: run max_iterations).
  double tolerance = 1e-4;
  // β ∈ [0, 1): the result is the exponential average x̄_k = (1 − β) x_k + β x̄_{k−1} of the iterates and the
  // stopping rule reads x̄ (for a proximal map that changes between calls, e.g. random wavelet shifts,
  // whose iterates fluctuate around the solution); 0: the last iterate.
  double averaging = 0;
  // Called after every iteration with the number done (progress reporting).
  std::function<void(int)> on_iteration;
};

struct FistaResult {
  torch::Tensor x;
  int iterations = 0;
  double relative_change = 0;  // ‖x_k − x_{k−1}‖ / ‖x_k‖ of the last iteration (of x̄ when averaging)
  bool converged = false;  // stopped by the tolerance
};

// Solves  min_x ½‖A x − y‖² + g(x)  by FISTA from x0 (zeros when undefined):
//   x_k = prox(z_k − t Aᴴ(A z_k − y), t),   τ_{k+1} = (1 + √(1 + 4τ_k²)) / 2,
//   z_{k+1} = x_k + (τ_k − 1)/τ_{k+1} · (x_k − x_{k−1}),   z_1 = x_0, τ_1 = 1.
// Aᴴ(A z − y) is computed as AᴴA z − Aᴴy, with `normal` (often cheaper). Throws InvalidArgument for
// t ≤ 0, max_iterations < 1, tolerance < 0 or averaging outside [0, 1).   Reference: Beck & Teboulle, SIAM J.
// Imaging Sci. 2009.
FistaResult fista(const LinearOperator& a, const torch::Tensor& y, const ProximalMap& prox,
                  const torch::Tensor& x0 = {}, const FistaOptions& options = {});

}  // namespace diffrecon
