#include "pipelines/posterior_samples.h"

#include "core/logging.h"

namespace diffrecon {

PosteriorSamples posterior_samples(const ReconstructionRequest& request, const std::string& method, int count,
                                   SamplerReport* report) {
  if (count < 2)
    throw SettingError("posterior samples: at least 2 samples are needed for a standard deviation");
  if (!request.measurement) throw InvalidArgument("posterior samples: no measurement");
  if (!find_reconstruction_method(method, request.measurement->modality).needs_prior)
    throw SettingError("posterior samples: " + method +
                       " is deterministic (every sample would be the same); use a diffusion method");
  torch::Tensor mean, m2;  // Welford: running mean and sum of squared deviations, in float64
  Geometry geometry;
  for (int k = 0; k < count; ++k) {
    ReconstructionRequest sample_request = request;
    sample_request.seed = request.seed + static_cast<uint64_t>(k);
    SamplerReport sample_report;
    const Volume sample = reconstruct(sample_request, method, &sample_report);
    if (report) {
      report->total_seconds += sample_report.total_seconds;
      report->network_seconds += sample_report.network_seconds;
      report->adaptation_seconds += sample_report.adaptation_seconds;
      report->network_evaluations += sample_report.network_evaluations;
    }
    const auto x = sample.data().to(torch::kDouble);
    if (k == 0) {
      mean = x.clone();
      m2 = torch::zeros_like(x);
      geometry = sample.geometry();
    } else {
      const auto delta = x - mean;
      mean += delta / (k + 1);
      m2 += delta * (x - mean);
    }
    Log(LogLevel::kInfo) << "posterior samples: " << k + 1 << " of " << count << " done";
  }
  return {Volume(mean.to(torch::kFloat), geometry),
          Volume((m2 / (count - 1)).sqrt().to(torch::kFloat), geometry)};
}

}  // namespace diffrecon
