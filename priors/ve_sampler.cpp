#include "priors/ve_sampler.h"

#include <c10/core/InferenceMode.h>

#include <cmath>

#include "core/error.h"
#include "priors/denoiser.h"

namespace diffrecon {
namespace {

torch::Tensor gaussian_like(const torch::Tensor& x, at::Generator& generator) {
  return standard_normal(x.sizes(), x.is_complex(), generator, x.device()).to(x.scalar_type());
}

// Mean over the batch of the per-image L2 norms.
double mean_norm(const torch::Tensor& t) { return t.flatten(1).norm(2, 1).mean().item<double>(); }

}  // namespace

VeStepResult langevin_corrector_step(const ScoreFunction& score, const torch::Tensor& x, double sigma, double snr,
                                     at::Generator& generator) {
  const auto grad = score(x, sigma);
  const auto z = gaussian_like(x, generator);
  const double ratio = snr * mean_norm(z) / mean_norm(grad);
  const double step = 2 * ratio * ratio;
  const auto mean = x + step * grad;
  return {mean + std::sqrt(2 * step) * z, mean};
}

VeStepResult reverse_diffusion_step(const ScoreFunction& score, const torch::Tensor& x, double sigma,
                                    double next_sigma, at::Generator& generator) {
  const double g2 = sigma * sigma - next_sigma * next_sigma;
  const auto mean = x + g2 * score(x, sigma);
  return {mean + std::sqrt(g2) * gaussian_like(x, generator), mean};
}

std::vector<double> geometric_sigmas(double sigma_start, double sigma_min, int64_t count) {
  if (!(sigma_min > 0) || !(sigma_start > sigma_min) || count < 2)
    throw InvalidArgument("geometric_sigmas: 0 < sigma_min < sigma_start and count >= 2");
  std::vector<double> sigmas(count);
  for (int64_t i = 0; i < count; ++i)
    sigmas[i] = sigma_start * std::pow(sigma_min / sigma_start, double(i) / double(count - 1));
  return sigmas;
}

torch::Tensor ve_predictor_corrector(const Denoiser& denoiser, torch::Tensor x, const std::vector<double>& sigmas,
                                     at::Generator& generator, const VePredictorCorrectorOptions& options,
                                     const std::function<void(int64_t, torch::Tensor&)>& on_step) {
  if (sigmas.empty() || options.corrector_steps < 0 || !(options.snr >= 0))
    throw InvalidArgument("ve_predictor_corrector: no noise levels, or a negative snr / corrector count");
  for (size_t i = 0; i < sigmas.size(); ++i)
    if (!(sigmas[i] > 0) || (i > 0 && !(sigmas[i] < sigmas[i - 1])))
      throw InvalidArgument("ve_predictor_corrector: noise levels must be positive and decreasing");
  c10::InferenceMode inference;
  const ScoreFunction score = [&denoiser](const torch::Tensor& v, double sigma) { return ve_score(denoiser, v, sigma); };
  torch::Tensor mean = x;
  for (size_t i = 0; i < sigmas.size(); ++i) {
    const double next = i + 1 < sigmas.size() ? sigmas[i + 1] : 0.0;
    for (int c = 0; c < options.corrector_steps; ++c) x = langevin_corrector_step(score, x, sigmas[i], options.snr, generator).x;
    auto step = reverse_diffusion_step(score, x, sigmas[i], next, generator);
    x = step.x;
    mean = step.mean;
    if (on_step) on_step(static_cast<int64_t>(i), x);
  }
  return mean;
}

}  // namespace diffrecon
