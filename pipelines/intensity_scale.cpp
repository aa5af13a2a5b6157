#include "pipelines/intensity_scale.h"

#include <algorithm>
#include <cmath>

namespace diffrecon {

double intensity_scale(const torch::Tensor& image) {
  auto flat = image.detach().abs().flatten().to(torch::kCPU, torch::kFloat);
  const int64_t stride = std::max<int64_t>(1, flat.numel() / (1 << 20));
  flat = flat.slice(0, 0, flat.numel(), stride);
  if (flat.numel() == 0) return 1.0;
  const int64_t k = std::min<int64_t>(flat.numel(), static_cast<int64_t>(std::ceil(0.999 * flat.numel())));
  const double value = std::get<0>(flat.kthvalue(k)).item<double>();
  return value > 0 && std::isfinite(value) ? value : 1.0;
}

}  // namespace diffrecon
