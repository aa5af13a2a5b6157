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
