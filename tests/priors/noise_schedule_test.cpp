#include "priors/noise_schedule.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace diffrecon {
namespace {

TEST(VeSchedule, MatchesTheOfficialGeometricLevels) {
  const VeSchedule ve;
  EXPECT_DOUBLE_EQ(ve.sigma(0), 0.01);
  EXPECT_NEAR(ve.sigma(1), 378.0, 1e-9);
  EXPECT_NEAR(ve.sigma(0.5), std::sqrt(0.01 * 378.0), 1e-9);  // geometric mean
  const auto sigmas = ve.discrete_sigmas();
  ASSERT_EQ(sigmas.size(), 2000u);
  EXPECT_NEAR(sigmas.front(), 0.01, 1e-12);
  EXPECT_NEAR(sigmas.back(), 378.0, 1e-9);
  // Constant ratio between neighbours.
  EXPECT_NEAR(sigmas[1] / sigmas[0], sigmas[1999] / sigmas[1998], 1e-9);
  EXPECT_THROW(ve.sigma(1.5), InvalidArgument);
}

TEST(VpSchedule, AlphaBarIsTheProductOfOneMinusBeta) {
  const VpSchedule vp;
  const auto abar = vp.alpha_bars();
  ASSERT_EQ(abar.size(), 1000u);
  EXPECT_NEAR(abar[0], 1 - 1e-4, 1e-15);
  EXPECT_NEAR(abar[1], (1 - 1e-4) * (1 - (1e-4 + (0.02 - 1e-4) / 999)), 1e-15);
  for (size_t t = 1; t < abar.size(); ++t) ASSERT_LT(abar[t], abar[t - 1]);
  // ᾱ_999 of DDPM's schedule: about 4.04e-5.
  EXPECT_NEAR(abar.back(), 4.04e-5, 0.02e-5);
  EXPECT_EQ(vp.alpha_bar(-1), 1.0);
  EXPECT_THROW(vp.alpha_bar(1000), InvalidArgument);
}

TEST(VpSchedule, SamplingTimesAreDdsGrid) {
  const auto times = VpSchedule{}.sampling_times(50);
  ASSERT_EQ(times.size(), 50u);
  EXPECT_EQ(times.front(), 980);
  EXPECT_EQ(times[1], 960);
  EXPECT_EQ(times.back(), 0);
  EXPECT_THROW(VpSchedule{}.sampling_times(0), InvalidArgument);
}

TEST(Conversions, VpStateIsTheVeStateOfItsSigma) {
  torch::manual_seed(0);
  const auto x0 = torch::rand({4, 5}, torch::kDouble), eps = torch::randn({4, 5}, torch::kDouble);
  for (const double abar : {0.999, 0.5, 1e-3}) {
    const auto x_t = std::sqrt(abar) * x0 + std::sqrt(1 - abar) * eps;
    const double sigma = ve_sigma_of(abar);
    EXPECT_TRUE(torch::allclose(x_t / std::sqrt(abar), x0 + sigma * eps, 1e-12, 1e-12));
    // Tweedie's x0 from ε, and back.
    EXPECT_TRUE(torch::allclose(vp_x0_from_eps(x_t, eps, abar), x0, 1e-10, 1e-10));
    EXPECT_TRUE(torch::allclose(vp_eps_from_x0(x_t, x0, abar), eps, 1e-8, 1e-8));
    // The same ε and score from the VE form.
    const auto x_ve = x_t / std::sqrt(abar);
    EXPECT_TRUE(torch::allclose(ve_eps_from_x0(x_ve, x0, sigma), eps, 1e-8, 1e-8));
    // Scores: VE score of x̃ is √ᾱ times the VP score of x_t (x̃ = x_t / √ᾱ).
    EXPECT_TRUE(torch::allclose(ve_score_from_x0(x_ve, x0, sigma), std::sqrt(abar) * vp_score_from_eps(eps, abar),
                                1e-8, 1e-8));
  }
}

TEST(Conversions, ScoreAndDenoiserAreTweedieInverses) {
  const auto x = torch::randn({3, 3}, torch::kDouble), x0 = torch::randn({3, 3}, torch::kDouble);
  const double sigma = 0.7;
  EXPECT_TRUE(torch::allclose(ve_x0_from_score(x, ve_score_from_x0(x, x0, sigma), sigma), x0, 1e-12, 1e-12));
  EXPECT_THROW(ve_eps_from_x0(x, x0, 0.0), InvalidArgument);
  EXPECT_THROW(vp_eps_from_x0(x, x0, 1.0), InvalidArgument);
  EXPECT_THROW(ve_sigma_of(0.0), InvalidArgument);
  EXPECT_EQ(ve_sigma_of(1.0), 0.0);
}

}  // namespace
}  // namespace diffrecon
