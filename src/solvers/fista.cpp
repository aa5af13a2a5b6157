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
  if (!(options.averaging >= 0 && options.averaging < 1))
    throw InvalidArgument("FISTA: averaging must be in [0, 1)");
  const auto adjoint_y = a.adjoint(y);
  FistaResult result;
  result.x = x0.defined() ? x0.clone() : torch::zeros_like(adjoint_y);
  auto z = result.x.clone(), previous = result.x;
  double tau = 1;
  for (int k = 1; k <= options.max_iterations; ++k) {
    const auto gradient = a.normal(z) - adjoint_y;
    const auto x = prox(z - options.step * gradient, options.step);
    const double next_tau = (1 + std::sqrt(1 + 4 * tau * tau)) / 2;
    z = x + ((tau - 1) / next_tau) * (x - previous);
    tau = next_tau;
    previous = x;
    const auto output =
        options.averaging > 0 && k > 1 ? (1 - options.averaging) * x + options.averaging * result.x : x;
    const double norm = output.norm().item<double>();
    result.relative_change = norm > 0 ? (output - result.x).norm().item<double>() / norm : 0.0;
    result.x = output;
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
