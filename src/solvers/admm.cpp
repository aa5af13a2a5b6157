#include "solvers/admm.h"

#include "core/error.h"
#include "core/linalg.h"
#include "operators/algebra.h"
#include "solvers/proximal.h"

namespace diffrecon {

AdmmL1Solver::AdmmL1Solver(OperatorPtr forward, OperatorPtr regulariser, AdmmOptions options)
    : forward_(std::move(forward)), regulariser_(std::move(regulariser)), options_(options) {
  if (!forward_ || !regulariser_) throw InvalidArgument("AdmmL1Solver: operator is null");
  if (!(options_.lambda >= 0) || !std::isfinite(options_.lambda))
    throw InvalidArgument("AdmmL1Solver: lambda must be finite and >= 0");
  if (!(options_.rho > 0) || !std::isfinite(options_.rho))
    throw InvalidArgument("AdmmL1Solver: rho must be finite and > 0");
  if (options_.iterations < 0) throw InvalidArgument("AdmmL1Solver: iterations must be >= 0");
  if (forward_->domain_shape() != regulariser_->domain_shape())
    throw ShapeMismatch("AdmmL1Solver: A (" + forward_->name() + ") and D (" + regulariser_->name() +
                        ") have different domains " + to_string(forward_->domain_shape()) + " and " +
                        to_string(regulariser_->domain_shape()));
  system_ = sum(normal_of(forward_), scale(options_.rho, normal_of(regulariser_)));
}

AdmmResult AdmmL1Solver::step(const torch::Tensor& x, const torch::Tensor& adjoint_measurement,
                              AdmmState& state) const {
  if (!state.z.defined()) state.z = torch::zeros(regulariser_->range_shape(), x.options());
  if (!state.u.defined()) state.u = torch::zeros(regulariser_->range_shape(), x.options());
  if (state.z.sizes() != c10::IntArrayRef(regulariser_->range_shape()) || state.u.sizes() != state.z.sizes())
    throw ShapeMismatch("AdmmL1Solver: the ADMM state does not match D's range " +
                        to_string(regulariser_->range_shape()));
  const double rho = options_.rho;
  const auto rhs = adjoint_measurement + rho * regulariser_->adjoint(state.z - state.u);
  AdmmResult result;
  result.last_cg = conjugate_gradient(*system_, rhs, x, options_.cg);
  result.x = result.last_cg.x;
  result.iterations = 1;
  const auto dx = regulariser_->apply(result.x);
  state.z = soft_threshold(dx + state.u, options_.lambda / rho);
  state.u = state.u + dx - state.z;
  return result;
}

AdmmResult AdmmL1Solver::solve(const torch::Tensor& y, const torch::Tensor& x0, AdmmState* state) const {
  const auto aty = forward_->adjoint(y);
  AdmmState local;
  AdmmState& s = state ? *state : local;
  AdmmResult result;
  result.x = x0.defined() ? x0 : aty;
  for (int k = 0; k < options_.iterations; ++k) {
    auto next = step(result.x, aty, s);
    result.x = next.x;
    result.last_cg = next.last_cg;
    ++result.iterations;
    if (options_.on_iteration) options_.on_iteration(result.iterations);
  }
  return result;
}

double AdmmL1Solver::objective(const torch::Tensor& x, const torch::Tensor& y) const {
  const double misfit = norm2(forward_->apply(x) - y);
  return 0.5 * misfit * misfit + options_.lambda * l1_norm(regulariser_->apply(x));
}

}  // namespace diffrecon
