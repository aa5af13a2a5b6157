#pragma once

#include <torch/types.h>

#include <functional>

#include "operators/linear_operator.h"

namespace diffrecon {

struct PrimalDualOptions {
  double lambda = 0.01;
  int iterations = 500;  // at most
  // Stop once ‖x_k − x_{k−1}‖ ≤ tolerance · ‖x_k‖ (relative change of the primal iterate); 0 runs all.
  double tolerance = 1e-4;
  // Primal step τ; the dual steps follow from it (see below). Its best value depends on the scale of x
  // relative to the dual variables: with ‖A‖ = 1 and x of order one, τ of 1 to 4 works well.
  double primal_step = 1.0;
  // ‖A‖ and ‖D‖ when the caller knows them (upper bounds); 0 estimates them by power iteration.
  double forward_norm = 0;
  double regulariser_norm = 0;
  int l1_groups = 1;  // as AdmmOptions::l1_groups: 1 anisotropic, 3 with a stacked 3D gradient isotropic
  // Projection onto a convex set C (e.g. x ≥ 0 inside the field of view); empty for none.
  std::function<torch::Tensor(const torch::Tensor&)> constraint;
  std::function<void(int)> on_iteration;  // after every iteration, with the number done
};

struct PrimalDualResult {
  torch::Tensor x;
  int iterations = 0;
  double relative_change = 0;  // ‖x_k − x_{k−1}‖ / ‖x_k‖ of the last iteration
  bool converged = false;
};

// Solves  min_x ½‖A x − y‖² + λ‖D x‖₁ + ι_C(x)  (‖·‖₁ grouped as in solvers/proximal.h) by the
// primal–dual hybrid gradient method of Chambolle & Pock 2011 (Algorithm 1, θ = 1), with K = [A; D], one
// dual variable per block and block step sizes (Pock & Chambolle 2011, diagonal preconditioning):
//   p ← (p + σ_A (A x̄ − y)) / (1 + σ_A)            prox of the conjugate of ½‖· − y‖²
//   q ← Π_{‖·‖ ≤ λ}(q + σ_D D x̄)                    prox of the conjugate of λ‖·‖₁
//   x⁺ ← P_C(x − τ (Aᴴp + Dᴴq)),  x̄ ← 2x⁺ − x
// σ_A = 0.49 / (τ‖A‖²), σ_D = 0.49 / (τ‖D‖²), so τ(σ_A‖A‖² + σ_D‖D‖²) < 1 (convergence). ‖A‖ and ‖D‖ are
// the options' or estimated once by power iteration. One A, Aᴴ, D and Dᴴ per iteration. Starts from x0 (projected).
// Sidky, Jørgensen & Pan 2012 apply it to CT in this form.
PrimalDualResult primal_dual_tv(const OperatorPtr& forward, const OperatorPtr& regulariser, const torch::Tensor& y,
                                const torch::Tensor& x0, const PrimalDualOptions& options);

}  // namespace diffrecon
