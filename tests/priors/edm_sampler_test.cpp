#include "priors/edm_sampler.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "priors/gaussian_denoiser.h"

namespace diffrecon {
namespace {

TEST(KarrasSigmas, RunFromSigmaMaxToSigmaMinThenZero) {
  EdmSamplerOptions o;
  o.steps = 5;
  const auto s = karras_sigmas(o);
  ASSERT_EQ(s.size(), 6u);
  EXPECT_NEAR(s.front(), 80, 1e-9);
  EXPECT_NEAR(s[4], 0.002, 1e-12);
  EXPECT_EQ(s[5], 0.0);
  for (size_t i = 0; i + 1 < s.size(); ++i) EXPECT_GT(s[i], s[i + 1]);
  o.sigma_min = 100;
  EXPECT_THROW(karras_sigmas(o), InvalidArgument);
}

TEST(EdmSampler, ReproducesAnAnalyticGaussianPrior) {
  // The probability-flow ODE maps N(0, σ_max²) to the data distribution: samples of the Gaussian
  // "prior" N(0.4, 0.15²) must have that mean and standard deviation (within 10%, far looser than
  // the 16384-sample error of ~1%).
  const testing::GaussianDenoiser denoiser(0.4, 0.15);
  at::Generator g = at::detail::createCPUGenerator(3);
  EdmSamplerOptions o;
  o.steps = 30;
  int64_t calls = 0;
  const auto x = edm_sample(denoiser, {4, 1, 64, 64}, g, o, torch::kCPU, [&](int64_t) { ++calls; });
  EXPECT_EQ(calls, 30);
  EXPECT_NEAR(x.mean().item<double>(), 0.4, 0.04);
  EXPECT_NEAR(x.std().item<double>(), 0.15, 0.015);
}

}  // namespace
}  // namespace diffrecon

#include "priors/ve_sampler.h"

namespace diffrecon {
namespace {

TEST(VePredictorCorrector, DrawsFromTheAnalyticGaussianPosterior) {
  // Prior x0 ~ N(0.5, 0.2²); observation y = x0 + τ n with τ = 0.3 is the VE state at σ = τ, so the
  // reverse SDE (the predictor alone: Langevin corrector steps would mix towards the marginal p_σ and
  // forget y) started from y at σ = τ samples p(x0 | y) = N(m, v):
  // m = 0.5 + 0.2² / (0.2² + τ²) (y − 0.5), v = 0.2² τ² / (0.2² + τ²).
  const testing::GaussianDenoiser denoiser(0.5, 0.2);
  const double tau = 0.3, y = 0.8;
  const double m = 0.5 + 0.04 / (0.04 + tau * tau) * (y - 0.5), sd = std::sqrt(0.04 * tau * tau / (0.04 + tau * tau));
  at::Generator g = at::detail::createCPUGenerator(5);
  int64_t steps = 0;
  VePredictorCorrectorOptions predictor_only;
  predictor_only.corrector_steps = 0;
  const auto x = ve_predictor_corrector(denoiser, torch::full({4, 1, 64, 64}, y), geometric_sigmas(tau, 0.005, 200), g,
                                        predictor_only, [&](int64_t, torch::Tensor&) { ++steps; });
  EXPECT_EQ(steps, 200);
  EXPECT_NEAR(x.mean().item<double>(), m, 0.1 * m);
  EXPECT_NEAR(x.std().item<double>(), sd, 0.1 * sd);
  EXPECT_THROW(ve_predictor_corrector(denoiser, x, {0.1, 0.2}, g), InvalidArgument);
}

TEST(VePredictorCorrector, WithTheCorrectorSamplesThePriorFromPureNoise) {
  // DiffusionMBIR's settings (snr 0.16, one corrector step) from σ_max = 378 · N(0, I).
  const testing::GaussianDenoiser denoiser(0.5, 0.2);
  at::Generator g = at::detail::createCPUGenerator(6);
  const auto x = ve_predictor_corrector(denoiser, torch::randn({4, 1, 64, 64}) * 378.0,
                                        geometric_sigmas(378, 0.01, 300), g);
  EXPECT_NEAR(x.mean().item<double>(), 0.5, 0.05);
  EXPECT_NEAR(x.std().item<double>(), 0.2, 0.02);
}

}  // namespace
}  // namespace diffrecon
