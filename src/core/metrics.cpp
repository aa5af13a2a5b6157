#include "core/metrics.h"

#include <cmath>
#include <limits>

#include "core/error.h"

namespace diffrecon {

double psnr(const torch::Tensor& reference, const torch::Tensor& estimate) {
  if (reference.sizes() != estimate.sizes()) throw ShapeMismatch("psnr: reference and estimate differ in shape");
  const auto ref = (reference.is_complex() ? reference.abs() : reference).to(torch::kDouble);
  const auto est = (estimate.is_complex() ? estimate.abs() : estimate).to(torch::kDouble).to(ref.device());
  const double range = (ref.max() - ref.min()).item<double>();
  if (!(range > 0)) throw InvalidArgument("psnr: the reference is constant, so its data range is zero");
  const double mse = (ref - est).pow(2).mean().item<double>();
  if (mse == 0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(range * range / mse);
}

}  // namespace diffrecon
