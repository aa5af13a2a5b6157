#pragma once

#include <torch/types.h>

#include <functional>

#include "operators/linear_operator.h"
#include "solvers/conjugate_gradient.h"

namespace diffrecon {

struct AdmmOptions {
  // Weight of ‖D x‖₁ and ADMM penalty. Defaults: DiffusionMBIR's CT script (λ = 0.04, ρ = 10), stated
  // for the official projector's scaling; pipelines translate them to our operators.
  double lambda = 0.04;
  double rho = 10.0;
  int iterations = 30;  // outer iterations, at most (official get_ADMM_TV: 30)
  CgOptions cg{/*max_iterations=*/20, /*tolerance=*/1e-10, /*batch_dims=*/0};  // official: 20 inner
  // ‖D x‖₁ with D's range read as `l1_groups` equal blocks shrunk jointly (solvers/proximal.h): 1 is the
  // anisotropic ℓ1 norm, 3 with a stacked 3D gradient is isotropic TV.
  int l1_groups = 1;
  // A convex constraint x ∈ C given by its projection P_C (e.g. x ≥ 0), enforced by a second split w = x;
  // empty for none.
  std::function<torch::Tensor(const torch::Tensor&)> constraint;
  // Stopping rule of Boyd et al. 2011 §3.3.1 in relative form, with B = [D; I] (B = D without a
  // constraint), v = (z, w) the split variables and u the scaled duals: stop once
  //   ‖B x − v‖ ≤ tolerance · max(‖B x‖, ‖v‖)   and   ‖Bᴴ(v − v_prev)‖ ≤ tolerance · ‖Bᴴ u‖.
  // 0 runs all `iterations`.
  double tolerance = 0;
  // solve(): called after every iteration with the number done (progress reporting).
  std::function<void(int)> on_iteration;
};

// ADMM's splitting variable z ≈ D x and scaled dual u. Undefined tensors mean "start from zero".
// Keep one across calls to step() to run ADMM interleaved with another algorithm (a diffusion sampler
// runs one ADMM iteration per step with (z, u) shared across steps, as DiffusionMBIR and DDS do).
struct AdmmState {
  torch::Tensor z;
  torch::Tensor u;
  torch::Tensor w;  // the constraint's split w ≈ x and its scaled dual (used with options.constraint)
  torch::Tensor v;
};

struct AdmmResult {
  torch::Tensor x;
  int iterations = 0;
  CgResult last_cg;
  // Of the last iteration, relative to the thresholds' scales (options.tolerance): ‖B x − v‖ / max(‖B x‖, ‖v‖)
  // and ‖Bᴴ(v − v_prev)‖ / ‖Bᴴ u‖.
  double primal_residual = 0;
  double dual_residual = 0;
  bool converged = false;  // the stopping rule was met (never with tolerance 0)
};

// Solves  min_x ½‖A x − y‖² + λ‖D x‖₁ (+ ι_C(x))  by scaled-form ADMM with splitting z = D x (and w = x):
//   x ← argmin ½‖A x − y‖² + ρ/2 ‖D x − z + u‖² (+ ρ/2 ‖x − w + v‖²)
//       i.e. (AᴴA + ρ DᴴD (+ ρ I)) x = Aᴴy + ρ Dᴴ(z − u) (+ ρ (w − v)), by CG from x
//   z ← soft_threshold(D x + u, λ/ρ)        w ← P_C(x + v)
//   u ← u + D x − z                          v ← v + x − w
// The x-update operator is built by the operator algebra once.  Reference: Boyd et al. 2011, §6.4, §5.1.
class AdmmL1Solver {
 public:
  AdmmL1Solver(OperatorPtr forward, OperatorPtr regulariser, AdmmOptions options = {});

  // One ADMM iteration from x. `adjoint_measurement` is Aᴴy (computed once by the caller). Updates state.
  AdmmResult step(const torch::Tensor& x, const torch::Tensor& adjoint_measurement, AdmmState& state) const;

  // `options.iterations` iterations from x0 (Aᴴy when undefined). Pass a state to keep or resume it.
  AdmmResult solve(const torch::Tensor& y, const torch::Tensor& x0 = {}, AdmmState* state = nullptr) const;

  // ½‖A x − y‖² + λ‖D x‖₁ (the constraint is not checked).
  double objective(const torch::Tensor& x, const torch::Tensor& y) const;

  const AdmmOptions& options() const { return options_; }

 private:
  OperatorPtr forward_;
  OperatorPtr regulariser_;
  OperatorPtr system_;  // AᴴA + ρ DᴴD (+ ρ I)
  AdmmOptions options_;
};

}  // namespace diffrecon
