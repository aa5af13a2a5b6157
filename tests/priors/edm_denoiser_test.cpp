#include "priors/edm_denoiser.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "priors/tiny_unet.h"
#include "priors/gaussian_denoiser.h"
#include "priors/noise_schedule.h"
#include "priors/trainer.h"

namespace diffrecon {
namespace {

using testing::tiny_unet_config;

TEST(EdmDenoiser, UntrainedNetworkGivesTheSkipConnection) {
  // F starts at 0, so D(x; σ) = c_skip x = σ_d² / (σ² + σ_d²) x.
  torch::manual_seed(0);
  const EdmDenoiser denoiser(UNet(tiny_unet_config()), 0.5);
  const auto x = torch::randn({2, 1, 8, 8});
  const auto sigma = torch::tensor({0.1f, 3.0f});
  const auto d = denoiser.denoise(x, sigma);
  for (int i = 0; i < 2; ++i) {
    const double s = sigma[i].item<double>(), c_skip = 0.25 / (s * s + 0.25);
    EXPECT_LT((d[i] - c_skip * x[i]).abs().max().item<double>(), 1e-6);
  }
  EXPECT_THROW(EdmDenoiser(UNet(tiny_unet_config()), 0.0), InvalidArgument);
  EXPECT_THROW(denoiser.denoise(x, torch::tensor({0.1f})), ShapeMismatch);
}

TEST(Denoiser, VpConversionsMatchTheClosedFormsForAGaussianPrior) {
  // x_t = √ᾱ x0 + √(1 − ᾱ) ε with x0 ~ N(m, s²): E[x0 | x_t] = m + s² √ᾱ (x_t − √ᾱ m) / (ᾱ s² + 1 − ᾱ).
  const double m = 0.3, s = 0.7, alpha_bar = 0.4;
  const testing::GaussianDenoiser denoiser(m, s);
  const auto x_t = torch::randn({1, 1, 4, 4}, torch::kDouble);
  const auto expected = m + s * s * std::sqrt(alpha_bar) * (x_t - std::sqrt(alpha_bar) * m) /
                                (alpha_bar * s * s + 1 - alpha_bar);
  EXPECT_LT((vp_x0(denoiser, x_t, alpha_bar) - expected).abs().max().item<double>(), 1e-12);
  const auto eps = (x_t - std::sqrt(alpha_bar) * expected) / std::sqrt(1 - alpha_bar);
  EXPECT_LT((vp_eps(denoiser, x_t, alpha_bar) - eps).abs().max().item<double>(), 1e-12);
  // The VE score of N(m, s² + σ²) is −(x − m) / (s² + σ²).
  const double sigma = 0.5;
  EXPECT_LT((ve_score(denoiser, x_t, sigma) + (x_t - m) / (s * s + sigma * sigma)).abs().max().item<double>(), 1e-12);
  EXPECT_THROW(vp_x0(denoiser, x_t, 1.0), InvalidArgument);
  EXPECT_THROW(denoise(denoiser, x_t, 0.0), InvalidArgument);
}

TEST(EdmLoss, WeightsTheUntrainedErrorToTheDataScale) {
  // With F = 0: D − x0 = (c_skip − 1) x0 + c_skip σ n and λ = (σ² + σ_d²)/(σ σ_d)², so for x0 = 0
  // the loss is E[λ c_skip² σ² n²] = E[σ_d² / (σ² + σ_d²)] < 1: finite and positive.
  torch::manual_seed(0);
  const EdmDenoiser denoiser(UNet(tiny_unet_config()), 0.5);
  at::Generator g = at::detail::createCPUGenerator(7);
  const double loss = edm_loss(denoiser, torch::zeros({64, 1, 8, 8}), g).item<double>();
  EXPECT_GT(loss, 0.3);
  EXPECT_LT(loss, 1.0);
}

TEST(EdmLoss, TrainingNoiseLevelsSpanEveryLevelTheSamplersQuery) {
  // The trainer's defaults against the samplers' ladders: the VE levels of DiffusionMBIR/TPDM and the
  // VP steps of DDS (t up to 980 at 50 steps) as VE σ.
  const EdmLossOptions options = TrainingConfig{}.loss;
  at::Generator g = at::detail::createCPUGenerator(3);
  const auto sigmas = draw_training_sigmas(20000, g, options);
  const VeSchedule ve;
  const VpSchedule vp;
  double lowest = ve.discrete_sigmas().front(), highest = ve.discrete_sigmas().back();
  for (const int t : vp.sampling_times(50)) {
    lowest = std::min(lowest, ve_sigma_of(vp.alpha_bar(t)));
    highest = std::max(highest, ve_sigma_of(vp.alpha_bar(t)));
  }
  ASSERT_GT(highest, 300.0);
  EXPECT_LE(sigmas.min().item<double>(), lowest);
  EXPECT_GE(sigmas.max().item<double>(), 0.9 * highest);
  // Every decade between the samplers' extremes holds at least 1% of the draws.
  for (double decade = lowest; decade < highest; decade *= 10) {
    const double upper = std::min(10 * decade, highest);
    const double share = ((sigmas >= decade) & (sigmas < upper)).to(torch::kDouble).mean().item<double>();
    EXPECT_GT(share, 0.01) << "sigma in [" << decade << ", " << upper << ")";
  }
  // EDM's log-normal alone (the earlier default) misses the top of the VE ladder.
  EdmLossOptions log_normal_only = options;
  log_normal_only.uniform_fraction = 0;
  EXPECT_LT(draw_training_sigmas(20000, g, log_normal_only).max().item<double>(), 100.0);
  log_normal_only.sigma_max = log_normal_only.sigma_min;
  EXPECT_THROW(draw_training_sigmas(4, g, log_normal_only), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
