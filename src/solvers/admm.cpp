#include "solvers/admm.h"

#include <algorithm>

#include "core/error.h"
#include "core/linalg.h"
#include "operators/algebra.h"
#include "solvers/proximal.h"

namespace diffrecon {
namespace {

torch::Tensor zeros_if_undefined(const torch::Tensor& t, const Shape& shape, const torch::Tensor& like) {
  return t.defined() ? t : torch::zeros(shape, like.options());
}

double squared_norm(const torch::Tensor& t) { return t.defined() ? std::pow(norm2(t), 2) : 0.0; }

double ratio(double numerator, double denominator) { return denominator > 0 ? numerator / denominator : numerator; }

}  // namespace

AdmmL1Solver::AdmmL1Solver(OperatorPtr forward, OperatorPtr regulariser, AdmmOptions options)
    : forward_(std::move(forward)), regulariser_(std::move(regulariser)), options_(options) {
  if (!forward_ || !regulariser_) throw InvalidArgument("AdmmL1Solver: operator is null");
  if (!(options_.lambda >= 0) || !std::isfinite(options_.lambda))
    throw InvalidArgument("AdmmL1Solver: lambda must be finite and >= 0");
  if (!(options_.rho > 0) || !std::isfinite(options_.rho))
    throw InvalidArgument("AdmmL1Solver: rho must be finite and > 0");
  if (options_.iterations < 0) throw InvalidArgument("AdmmL1Solver: iterations must be >= 0");
  if (!(options_.tolerance >= 0)) throw InvalidArgument("AdmmL1Solver: tolerance must be >= 0");
  if (options_.l1_groups < 1 || numel(regulariser_->range_shape()) % options_.l1_groups != 0)
    throw InvalidArgument("AdmmL1Solver: D's range (" + to_string(regulariser_->range_shape()) +
                          ") does not split into " + std::to_string(options_.l1_groups) + " equal groups");
  if (forward_->domain_shape() != regulariser_->domain_shape())
    throw ShapeMismatch("AdmmL1Solver: A (" + forward_->name() + ") and D (" + regulariser_->name() +
                        ") have different domains " + to_string(forward_->domain_shape()) + " and " +
                        to_string(regulariser_->domain_shape()));
  std::vector<OperatorPtr> terms{normal_of(forward_), scale(options_.rho, normal_of(regulariser_))};
  if (options_.constraint) terms.push_back(scale(options_.rho, identity(forward_->domain_shape())));
  system_ = sum(terms);
}

AdmmResult AdmmL1Solver::step(const torch::Tensor& x, const torch::Tensor& adjoint_measurement,
                              AdmmState& state) const {
  const auto& range = regulariser_->range_shape();
  state.z = zeros_if_undefined(state.z, range, x);
  state.u = zeros_if_undefined(state.u, range, x);
  if (state.z.sizes() != c10::IntArrayRef(range) || state.u.sizes() != state.z.sizes())
    throw ShapeMismatch("AdmmL1Solver: the ADMM state does not match D's range " + to_string(range));
  const bool constrained = static_cast<bool>(options_.constraint);
  if (constrained) {
    state.w = zeros_if_undefined(state.w, forward_->domain_shape(), x);
    state.v = zeros_if_undefined(state.v, forward_->domain_shape(), x);
    if (state.w.sizes() != x.sizes() || state.v.sizes() != x.sizes())
      throw ShapeMismatch("AdmmL1Solver: the ADMM constraint state does not match the domain " +
                          to_string(forward_->domain_shape()));
  }
  const double rho = options_.rho;
  auto rhs = adjoint_measurement + rho * regulariser_->adjoint(state.z - state.u);
  if (constrained) rhs = rhs + rho * (state.w - state.v);
  AdmmResult result;
  result.last_cg = conjugate_gradient(*system_, rhs, x, options_.cg);
  result.x = result.last_cg.x;
  result.iterations = 1;

  const auto dx = regulariser_->apply(result.x);
  const auto z_previous = state.z;
  state.z = soft_threshold(dx + state.u, options_.lambda / rho, options_.l1_groups);
  state.u = state.u + dx - state.z;
  auto split_change = regulariser_->adjoint(state.z - z_previous);  // Bᴴ(v − v_prev)
  auto scaled_dual = regulariser_->adjoint(state.u);                // Bᴴ u
  double primal = squared_norm(dx - state.z), bx = squared_norm(dx), split = squared_norm(state.z);
  if (constrained) {
    const auto w_previous = state.w;
    state.w = options_.constraint(result.x + state.v);
    state.v = state.v + result.x - state.w;
    split_change = split_change + (state.w - w_previous);
    scaled_dual = scaled_dual + state.v;
    primal += squared_norm(result.x - state.w);
    bx += squared_norm(result.x);
    split += squared_norm(state.w);
  }
  result.primal_residual = ratio(std::sqrt(primal), std::sqrt(std::max(bx, split)));
  result.dual_residual = ratio(norm2(split_change), norm2(scaled_dual));
  result.converged = options_.tolerance > 0 && result.primal_residual <= options_.tolerance &&
                     result.dual_residual <= options_.tolerance;
  return result;
}

AdmmResult AdmmL1Solver::solve(const torch::Tensor& y, const torch::Tensor& x0, AdmmState* state) const {
  const auto aty = forward_->adjoint(y);
  AdmmState local;
  AdmmState& s = state ? *state : local;
  AdmmResult result;
  result.x = x0.defined() ? x0 : aty;
  for (int k = 0; k < options_.iterations && !result.converged; ++k) {
    auto next = step(result.x, aty, s);
    next.iterations = result.iterations + 1;
    result = std::move(next);
    if (options_.on_iteration) options_.on_iteration(result.iterations);
  }
  if (options_.constraint && result.iterations > 0) result.x = s.w;  // the feasible split variable
  return result;
}

double AdmmL1Solver::objective(const torch::Tensor& x, const torch::Tensor& y) const {
  const double misfit = norm2(forward_->apply(x) - y);
  return 0.5 * misfit * misfit + options_.lambda * l1_norm(regulariser_->apply(x), options_.l1_groups);
}

}  // namespace diffrecon
