#include "core/statistics.h"

#include <cmath>

#include "core/error.h"

namespace diffrecon {

double percentile(const torch::Tensor& values, double percent) {
  if (values.numel() == 0) throw InvalidArgument("percentile: no values");
  if (!(percent >= 0 && percent <= 100)) throw InvalidArgument("percentile: percent must lie in [0, 100]");
  const auto flat = values.detach().flatten().to(torch::kCPU);
  const auto rank = static_cast<int64_t>(std::floor(percent / 100 * static_cast<double>(flat.numel() - 1)));
  return std::get<0>(flat.kthvalue(rank + 1)).item<double>();
}

}  // namespace diffrecon
