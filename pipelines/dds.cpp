#include "pipelines/dds.h"

#include <cmath>

#include "core/error.h"
#include "core/stopwatch.h"

namespace diffrecon {

torch::Tensor dds_sample(const SlicePrior& prior, at::IntArrayRef shape, bool complex, double scale,
                         const DataConsistency& data_consistency, const DdsSamplerConfig& config,
                         at::Generator& generator, torch::Device device, SamplerReport* report,
                         const DdsHooks& hooks) {
  if (!(config.eta >= 0 && config.eta <= 1)) throw InvalidArgument("DDS: eta must lie in [0, 1]");
  if (!(scale > 0) || !std::isfinite(scale)) throw InvalidArgument("DDS: the intensity scale must be positive");
  const Stopwatch total;
  const auto times = config.schedule.sampling_times(config.steps);
  double network = 0;
  auto x = standard_normal(shape, complex, generator, device);
  torch::Tensor x0;
  for (size_t i = 0; i < times.size(); ++i) {
    const double ab = config.schedule.alpha_bar(times[i]);
    const double ab_next = config.schedule.alpha_bar(i + 1 < times.size() ? times[i + 1] : -1);
    if (hooks.before_step) hooks.before_step(static_cast<int>(i), times[i], ab, x);
    const Stopwatch network_call;
    x0 = prior.denoise(x / std::sqrt(ab), ve_sigma_of(ab));
    network += network_call.seconds();
    const auto eps = (x - std::sqrt(ab) * x0) / std::sqrt(1 - ab);
    x0 = data_consistency(x0 * scale) / scale;
    if (hooks.after_step) hooks.after_step(static_cast<int>(i), x0);
    if (i + 1 == times.size()) break;
    const double spread = std::sqrt(1 - ab_next);
    x = std::sqrt(ab_next) * x0 + config.eta * spread * standard_normal(shape, complex, generator, device) +
        std::sqrt(1 - config.eta * config.eta) * spread * eps;
  }
  if (report) {
    report->total_seconds = total.seconds();
    report->network_seconds = network;
    report->network_evaluations = static_cast<int64_t>(times.size());
  }
  return x0 * scale;
}

}  // namespace diffrecon
