#include "priors/edm_sampler.h"

#include <c10/core/InferenceMode.h>

#include <cmath>

#include "core/error.h"

namespace diffrecon {

std::vector<double> karras_sigmas(const EdmSamplerOptions& o) {
  if (o.steps < 1 || !(o.sigma_min > 0) || !(o.sigma_max > o.sigma_min) || !(o.rho > 0))
    throw InvalidArgument("EdmSamplerOptions: steps >= 1 and 0 < sigma_min < sigma_max, rho > 0");
  std::vector<double> sigmas;
  const double a = std::pow(o.sigma_max, 1 / o.rho), b = std::pow(o.sigma_min, 1 / o.rho);
  for (int64_t i = 0; i < o.steps; ++i) {
    const double t = o.steps == 1 ? 0.0 : double(i) / double(o.steps - 1);
    sigmas.push_back(std::pow(a + t * (b - a), o.rho));
  }
  sigmas.push_back(0.0);
  return sigmas;
}

torch::Tensor edm_sample(const Denoiser& denoiser, at::IntArrayRef shape, at::Generator& generator,
                         const EdmSamplerOptions& options, const torch::Device& device,
                         const std::function<void(int64_t)>& on_step) {
  const auto sigmas = karras_sigmas(options);
  c10::InferenceMode inference;
  auto x = (torch::randn(shape, generator, torch::dtype(torch::kFloat)) * sigmas[0]).to(device);
  for (size_t i = 0; i + 1 < sigmas.size(); ++i) {
    const double s = sigmas[i], next = sigmas[i + 1];
    const auto slope = (x - denoise(denoiser, x, s)) / s;
    auto proposal = x + (next - s) * slope;
    if (next > 0) {
      const auto slope_next = (proposal - denoise(denoiser, proposal, next)) / next;
      proposal = x + (next - s) * 0.5 * (slope + slope_next);
    }
    x = proposal;
    if (on_step) on_step(static_cast<int64_t>(i));
  }
  return x;
}

}  // namespace diffrecon
