#include "solvers/cgls.h"

#include <cmath>

#include "core/error.h"
#include "core/linalg.h"

namespace diffrecon {

CglsResult cgls(const LinearOperator& a, const torch::Tensor& y, const torch::Tensor& x0,
                const CglsOptions& options) {
  const std::string context = "cgls(" + a.name() + ")";
  if (options.max_iterations < 0) throw InvalidArgument(context + ": max_iterations must be >= 0");
  if (!(options.tolerance >= 0)) throw InvalidArgument(context + ": tolerance must be >= 0");
  auto check_finite = [&](double value, int iterations) {
    if (!std::isfinite(value))
      throw Error(context + ": the residual became NaN or Inf after " + std::to_string(iterations) +
                  " iterations (are the operator and the data finite?)");
  };

  CglsResult result;
  auto r = x0.defined() ? y - a.apply(x0) : y.clone();
  auto s = a.adjoint(r);
  result.x = x0.defined() ? x0.clone() : torch::zeros_like(s);
  auto p = s.clone();
  double gamma = real_inner_product(s, s);
  check_finite(gamma, 0);
  const double initial = std::sqrt(gamma);
  auto relative = [&] { return initial > 0 ? std::sqrt(gamma) / initial : std::sqrt(gamma); };
  while (result.iterations < options.max_iterations && gamma > 0 && relative() > options.tolerance) {
    const auto q = a.apply(p);
    const double qq = real_inner_product(q, q);
    check_finite(qq, result.iterations);
    if (!(qq > 0)) break;  // p in the null space of A: nothing left to fit
    const double alpha = gamma / qq;
    result.x.add_(p, alpha);
    r.sub_(q, alpha);
    s = a.adjoint(r);
    const double gamma_next = real_inner_product(s, s);
    check_finite(gamma_next, result.iterations + 1);
    p = s + p * (gamma_next / gamma);
    gamma = gamma_next;
    ++result.iterations;
    if (options.on_iteration) options.on_iteration(result.iterations);
  }
  result.relative_normal_residual = relative();
  result.converged = result.relative_normal_residual <= options.tolerance;
  return result;
}

}  // namespace diffrecon
