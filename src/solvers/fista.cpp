#include "solvers/fista.h"

#include <cmath>

#include "core/error.h"

namespace diffrecon {

FistaResult fista(const LinearOperator& a, const torch::Tensor& y, const ProximalMap& prox,
                  const torch::Tensor& x0, const FistaOptions& options) {
  if (!(options.step > 0) || !std::isfinite(options.step))
    throw InvalidArgument("FISTA: the step must be > 0");
  if (options.max_iterations < 1) throw InvalidArgument("FISTA: max_iterations must be at least 1");
  if (!(options.tolerance >= 0)) throw InvalidArgument("FISTA: the tolerance must be >= 0");
  const auto adjoint_y = a.adjoint(y);
  FistaResult result;
  result.x = x0.defined() ? x0.clone() : torch::zeros_like(adjoint_y);
  auto z = result.x.clone();
  double tau = 1;
  for (int k = 1; k <= options.max_iterations; ++k) {
    const auto gradient = a.normal(z) - adjoint_y;
    const auto x = prox(z - options.step * gradient, options.step);
    const double next_tau = (1 + std::sqrt(1 + 4 * tau * tau)) / 2;
    const auto change = x - result.x;
    z = x + ((tau - 1) / next_tau) * change;
    tau = next_tau;
    const double norm = x.norm().item<double>();
    result.relative_change = norm > 0 ? change.norm().item<double>() / norm : 0.0;
    result.x = x;
    result.iterations = k;
    if (options.on_iteration) options.on_iteration(k);
    if (!std::isfinite(result.relative_change)) throw Error("FISTA: the iterate is not finite");
    if (result.relative_change <= options.tolerance) {
      result.converged = true;
      break;
    }
  }
  return result;
}

}  // namespace diffrecon
