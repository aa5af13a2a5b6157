#include "solvers/power_iteration.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "core/error.h"
#include "core/linalg.h"

namespace diffrecon {

PowerIterationResult operator_norm(const LinearOperator& a, const PowerIterationOptions& options) {
  if (options.max_iterations < 1) throw InvalidArgument("operator_norm: max_iterations must be >= 1");
  const bool complex = a.domain_field() == Field::kComplex;
  const auto dtype = complex ? c10::toComplexType(options.dtype) : options.dtype;
  auto generator = at::detail::createCPUGenerator(options.seed);
  auto v = at::randn(a.domain_shape(), generator, torch::TensorOptions().dtype(dtype))
               .to(a.device().value_or(torch::kCPU));
  v /= norm2(v);

  PowerIterationResult result;
  double previous = 0;
  for (result.iterations = 1; result.iterations <= options.max_iterations; ++result.iterations) {
    auto w = a.normal(v);
    const double eigenvalue = norm2(w);
    if (!std::isfinite(eigenvalue)) throw Error("operator_norm(" + a.name() + "): the iteration produced NaN/Inf");
    if (eigenvalue == 0) {
      result.norm = 0;
      result.converged = true;
      return result;
    }
    v = w / eigenvalue;
    result.norm = std::sqrt(eigenvalue);
    if (std::abs(eigenvalue - previous) <= options.tolerance * eigenvalue) {
      result.converged = true;
      return result;
    }
    previous = eigenvalue;
  }
  result.iterations = options.max_iterations;
  return result;
}

}  // namespace diffrecon
