#include "solvers/primal_dual.h"

#include <cmath>

#include "core/error.h"
#include "solvers/power_iteration.h"
#include "solvers/proximal.h"

namespace diffrecon {
namespace {

double squared_norm_of(const LinearOperator& op, double known) {
  if (known > 0) return known * known;
  PowerIterationOptions options;
  options.max_iterations = 50;
  options.tolerance = 1e-4;
  const double norm = operator_norm(op, options).norm * 1.02;  // power iteration estimates from below
  if (!(norm > 0) || !std::isfinite(norm)) throw Error("primal_dual_tv: " + op.name() + " has no usable norm");
  return norm * norm;
}

}  // namespace

PrimalDualResult primal_dual_tv(const OperatorPtr& forward, const OperatorPtr& regulariser, const torch::Tensor& y,
                                const torch::Tensor& x0, const PrimalDualOptions& options) {
  if (!forward || !regulariser) throw InvalidArgument("primal_dual_tv: operator is null");
  if (forward->domain_shape() != regulariser->domain_shape())
    throw ShapeMismatch("primal_dual_tv: A (" + forward->name() + ") and D (" + regulariser->name() +
                        ") have different domains");
  if (!(options.lambda >= 0) || !std::isfinite(options.lambda))
    throw InvalidArgument("primal_dual_tv: lambda must be finite and >= 0");
  if (!(options.primal_step > 0) || !std::isfinite(options.primal_step))
    throw InvalidArgument("primal_dual_tv: the primal step must be finite and > 0");
  if (!(options.forward_norm >= 0) || !(options.regulariser_norm >= 0))
    throw InvalidArgument("primal_dual_tv: operator norms must be >= 0");
  if (options.iterations < 0 || !(options.tolerance >= 0))
    throw InvalidArgument("primal_dual_tv: iterations and tolerance must be >= 0");
  const auto project = [&](const torch::Tensor& x) { return options.constraint ? options.constraint(x) : x; };
  const double tau = options.primal_step;
  const double sigma_a = 0.49 / (tau * squared_norm_of(*forward, options.forward_norm));
  const double sigma_d = 0.49 / (tau * squared_norm_of(*regulariser, options.regulariser_norm));

  PrimalDualResult result;
  result.x = project(x0);
  auto x_bar = result.x;
  auto p = torch::zeros_like(y);
  auto q = torch::zeros(regulariser->range_shape(), result.x.options());
  for (int k = 0; k < options.iterations && !result.converged; ++k) {
    p.add_(forward->apply(x_bar) - y, sigma_a).div_(1 + sigma_a);
    q = project_to_dual_ball(q.add_(regulariser->apply(x_bar), sigma_d), options.lambda, options.l1_groups);
    auto step = forward->adjoint(p);
    step.add_(regulariser->adjoint(q));
    const auto next = project(torch::sub(result.x, step, tau));
    const auto change = next - result.x;
    x_bar = next + change;  // 2 x⁺ − x
    // Float sums suffice for a stopping rule (the shared norm2 accumulates in double, at a copy's cost).
    const double size = next.norm().item<double>(), moved = change.norm().item<double>();
    result.relative_change = size > 0 ? moved / size : moved;
    result.x = next;
    ++result.iterations;
    result.converged = options.tolerance > 0 && result.relative_change <= options.tolerance;
    if (options.on_iteration) options.on_iteration(result.iterations);
  }
  return result;
}

}  // namespace diffrecon
