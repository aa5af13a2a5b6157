#include "priors/denoiser.h"

#include <cmath>
#include <vector>

#include "core/error.h"
#include "priors/noise_schedule.h"

namespace diffrecon {

torch::Tensor denoise(const Denoiser& denoiser, const torch::Tensor& x, double sigma) {
  if (!(sigma > 0)) throw InvalidArgument("denoise: sigma must be > 0");
  const auto options = x.options().dtype(x.scalar_type() == torch::kDouble ? torch::kDouble : torch::kFloat);
  return denoiser.denoise(x, torch::full({x.size(0)}, sigma, options));
}

torch::Tensor ve_score(const Denoiser& denoiser, const torch::Tensor& x, double sigma) {
  return ve_score_from_x0(x, denoise(denoiser, x, sigma), sigma);
}

torch::Tensor vp_x0(const Denoiser& denoiser, const torch::Tensor& x_t, double alpha_bar) {
  if (!(alpha_bar > 0 && alpha_bar < 1)) throw InvalidArgument("vp_x0: alpha_bar must lie in (0, 1)");
  return denoise(denoiser, x_t / std::sqrt(alpha_bar), ve_sigma_of(alpha_bar));
}

torch::Tensor vp_eps(const Denoiser& denoiser, const torch::Tensor& x_t, double alpha_bar) {
  return vp_eps_from_x0(x_t, vp_x0(denoiser, x_t, alpha_bar), alpha_bar);
}

torch::Tensor standard_normal(at::IntArrayRef shape, bool complex, at::Generator& generator, torch::Device device) {
  if (!complex) return torch::randn(shape, generator, torch::dtype(torch::kFloat)).to(device);
  std::vector<int64_t> parts(shape.begin(), shape.end());
  parts.push_back(2);
  return torch::view_as_complex(torch::randn(parts, generator, torch::dtype(torch::kFloat))).to(device);
}

}  // namespace diffrecon
