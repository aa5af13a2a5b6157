#include "priors/edm_denoiser.h"

#include <cmath>

#include <utility>

#include "core/error.h"

namespace diffrecon {

EdmDenoiser::EdmDenoiser(UNet network, double sigma_data) : network_(std::move(network)), sigma_data_(sigma_data) {
  if (!(sigma_data > 0)) throw InvalidArgument("EdmDenoiser: sigma_data must be > 0");
}

torch::Tensor EdmDenoiser::denoise(const torch::Tensor& x, const torch::Tensor& sigma) const {
  if (sigma.dim() != 1 || sigma.size(0) != x.size(0)) throw ShapeMismatch("EdmDenoiser: expected one sigma per image");
  const auto s = sigma.to(x.options()).view({-1, 1, 1, 1});
  const double sd2 = sigma_data_ * sigma_data_;
  const auto total = s * s + sd2;
  const auto c_skip = sd2 / total;
  const auto c_out = s * sigma_data_ * total.rsqrt();
  const auto c_in = total.rsqrt();
  const auto c_noise = sigma.to(x.options()).log() / 4;
  return c_skip * x + c_out * network_.forward(c_in * x, c_noise);
}

torch::Tensor draw_training_sigmas(int64_t count, at::Generator& generator, const EdmLossOptions& options) {
  if (!(options.sigma_min > 0) || !(options.sigma_max > options.sigma_min) || !(options.uniform_fraction >= 0) ||
      !(options.uniform_fraction <= 1) || !(options.log_sigma_std >= 0))
    throw InvalidArgument("EdmLossOptions: need 0 < sigma_min < sigma_max, uniform_fraction in [0, 1], log_sigma_std >= 0");
  const auto cpu = torch::TensorOptions().dtype(torch::kFloat);
  const auto log_normal = torch::randn({count}, generator, cpu) * options.log_sigma_std + options.log_sigma_mean;
  const double lo = std::log(options.sigma_min), hi = std::log(options.sigma_max);
  const auto log_uniform = torch::rand({count}, generator, cpu) * (hi - lo) + lo;
  const auto uniform = torch::rand({count}, generator, cpu) < options.uniform_fraction;
  return torch::where(uniform, log_uniform, log_normal).exp();
}

torch::Tensor edm_loss(const EdmDenoiser& denoiser, const torch::Tensor& x0, at::Generator& generator,
                       const EdmLossOptions& options) {
  const auto draw_options = x0.options().device(torch::kCPU);
  const auto sigma = draw_training_sigmas(x0.size(0), generator, options).to(x0.options());
  const auto noise = torch::randn(x0.sizes(), generator, draw_options).to(x0.device());
  const double sd = denoiser.sigma_data();
  const auto weight = ((sigma * sigma + sd * sd) / (sigma * sd).pow(2)).view({-1, 1, 1, 1});
  const auto denoised = denoiser.denoise(x0 + sigma.view({-1, 1, 1, 1}) * noise, sigma);
  return (weight * (denoised - x0).pow(2)).mean();
}

}  // namespace diffrecon
