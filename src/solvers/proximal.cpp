#include "solvers/proximal.h"

#include "core/error.h"

namespace diffrecon {

torch::Tensor soft_threshold(const torch::Tensor& v, double t) {
  if (!(t >= 0)) throw InvalidArgument("soft_threshold: the threshold must be >= 0");
  if (!v.is_complex()) return torch::sign(v) * torch::clamp_min(v.abs() - t, 0.0);
  const auto magnitude = v.abs();
  const auto gain = torch::clamp_min(1.0 - t / torch::clamp_min(magnitude, 1e-30), 0.0);
  return v * gain;
}

double l1_norm(const torch::Tensor& v) { return v.abs().sum(torch::kDouble).item<double>(); }

}  // namespace diffrecon
