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
  int iterations = 30;                        // outer iterations (official get_ADMM_TV: 30)
  CgOptions cg{/*max_iterations=*/20, /*tolerance=*/1e-10, /*batch_dims=*/0};  // official: 20 inner
  // solve(): called after every iteration with the number done (progress reporting).
  std::function<void(int)> on_iteration;
};

// ADMM's splitting variable z ≈ D x and scaled dual u. Undefined tensors mean "start from zero".
// Keep one across calls to step() to run ADMM interleaved with another algorithm (a diffusion sampler
// runs one ADMM iteration per step with (z, u) shared across steps, as DiffusionMBIR and DDS do).
struct AdmmState {
  torch::Tensor z;
  torch::Tensor u;
};

struct AdmmResult {
  torch::Tensor x;
  int iterations = 0;
  CgResult last_cg;
};

// Solves  min_x ½‖A x − y‖² + λ‖D x‖₁  by scaled-form ADMM with splitting z = D x:
//   x ← argmin ½‖A x − y‖² + ρ/2 ‖D x − z + u‖²  i.e. (AᴴA + ρ DᴴD) x = Aᴴy + ρ Dᴴ(z − u), by CG from x
//   z ← soft_threshold(D x + u, λ/ρ)
//   u ← u + D x − z
// The x-update operator is built by the operator algebra once.  Reference: Boyd et al. 2011, §6.4.
class AdmmL1Solver {
 public:
  AdmmL1Solver(OperatorPtr forward, OperatorPtr regulariser, AdmmOptions options = {});

  // One ADMM iteration from x. `adjoint_measurement` is Aᴴy (computed once by the caller). Updates state.
  AdmmResult step(const torch::Tensor& x, const torch::Tensor& adjoint_measurement, AdmmState& state) const;

  // `options.iterations` iterations from x0 (Aᴴy when undefined). Pass a state to keep or resume it.
  AdmmResult solve(const torch::Tensor& y, const torch::Tensor& x0 = {}, AdmmState* state = nullptr) const;

  // ½‖A x − y‖² + λ‖D x‖₁.
  double objective(const torch::Tensor& x, const torch::Tensor& y) const;

  const AdmmOptions& options() const { return options_; }

 private:
  OperatorPtr forward_;
  OperatorPtr regulariser_;
  OperatorPtr system_;  // AᴴA + ρ DᴴD
  AdmmOptions options_;
};

}  // namespace diffrecon
