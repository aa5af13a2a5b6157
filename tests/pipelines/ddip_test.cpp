#include "pipelines/ddip.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/metrics.h"
#include "data/phantoms/ellipsoid_phantom.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"
#include "pipelines/oracle_denoiser.h"
#include "pipelines/small_ct.h"
#include "priors/tiny_unet.h"

namespace diffrecon {
namespace {

testing::SmallCt tiny_ct() { return testing::small_ct(4); }

SlicePrior tiny_prior() {
  SlicePriorOptions options;
  options.image_size = 16;
  return SlicePrior(testing::random_tiny_denoiser(), options);
}

TEST(PriorAdaptation, ReducesTheMeasurementResidualOfATinyCase) {
  torch::manual_seed(4);
  const testing::SmallCt ct = tiny_ct();
  const SlicePrior prior = tiny_prior();
  DdipConfig config = ddip_defaults(Modality::kCt);
  config.lora.dropout = 0;       // a deterministic loss: every step sees every slice
  config.adapt_slices = 4;
  config.adapt_steps = 40;
  config.learning_rate = 3e-3;
  PriorAdaptation adaptation(ct.problem, prior, config, 9);
  const double alpha_bar = VpSchedule{}.alpha_bar(300);
  const auto x_t = std::sqrt(alpha_bar) * ct.truth.data() / 0.02 + std::sqrt(1 - alpha_bar) * torch::randn({4, 16, 16});
  const auto losses = adaptation.adapt(x_t, alpha_bar, torch::zeros({4, 16, 16}));
  ASSERT_EQ(losses.size(), 40u);
  EXPECT_LT(losses.back(), 0.5 * losses.front()) << "first " << losses.front() << ", last " << losses.back();
  // The original prior is untouched; the adapted one differs from it.
  const auto input = x_t / std::sqrt(alpha_bar);
  const double sigma = ve_sigma_of(alpha_bar);
  const auto original = prior.denoise(input, sigma);
  EXPECT_FALSE(torch::allclose(adaptation.prior().denoise(input, sigma), original));
  PriorAdaptation fresh(ct.problem, prior, config, 9);  // built from the same, unmodified prior
  EXPECT_TRUE(torch::equal(fresh.prior().denoise(input, sigma), original));
}

TEST(Ddip, WithoutAdaptationIsDdsAndAdaptsDeterministically) {
  torch::manual_seed(5);
  const testing::SmallCt ct = tiny_ct();
  const SlicePrior prior = tiny_prior();
  DdipConfig config = ddip_defaults(Modality::kCt);
  config.dds.steps = 4;
  config.adapt_steps = 0;
  const auto plain = ddip_reconstruction(ct.problem, prior, config, torch::kCPU, 3);
  EXPECT_TRUE(torch::allclose(plain, dds_reconstruction(ct.problem, prior, config.dds, torch::kCPU, 3), 1e-5, 1e-7));
  config.adapt_steps = 2;
  // Four steps sample t = 750, 500, 250, 0: a window between them adapts never, one around 500 once.
  config.adapt_t_min = 600;
  config.adapt_t_max = 700;
  EXPECT_TRUE(torch::equal(ddip_reconstruction(ct.problem, prior, config, torch::kCPU, 3), plain));
  config.adapt_t_min = 400;
  config.adapt_t_max = 600;
  const auto once = ddip_reconstruction(ct.problem, prior, config, torch::kCPU, 3);
  EXPECT_FALSE(torch::allclose(once, plain, 1e-5, 1e-7));
  config.adapt_t_min = 20;
  config.adapt_t_max = 980;
  SamplerReport report;
  const auto adapted = ddip_reconstruction(ct.problem, prior, config, torch::kCPU, 3, &report, true);
  EXPECT_FALSE(torch::allclose(adapted, plain, 1e-5, 1e-7));
  EXPECT_TRUE(torch::equal(ddip_reconstruction(ct.problem, prior, config, torch::kCPU, 3), adapted));
  EXPECT_EQ(report.network_evaluations, 4);
  EXPECT_GT(report.adaptation_seconds, 0);
  // The merged parameters make a plain network that a model file can hold.
  UNet merged(testing::tiny_unet_config());
  EXPECT_NO_THROW(load_parameters(merged, report.adapted_parameters));
}

TEST(Ddip, RejectsATorchScriptLikePriorAndBadSettings) {
  const testing::SmallCt ct = tiny_ct();
  SlicePriorOptions options;
  options.image_size = 16;
  const SlicePrior oracle(std::make_shared<testing::OracleDenoiser>(ct.truth.data() / 0.02, 0.05), options);
  DdipConfig config = ddip_defaults(Modality::kCt);
  EXPECT_THROW(ddip_reconstruction(ct.problem, oracle, config, torch::kCPU, 0), InvalidArgument);
  config.adapt_slices = 0;
  EXPECT_THROW(ddip_reconstruction(ct.problem, tiny_prior(), config, torch::kCPU, 0), InvalidArgument);
  config = ddip_defaults(Modality::kCt);
  config.adapt_t_min = 500;
  config.adapt_t_max = 400;
  EXPECT_THROW(ddip_reconstruction(ct.problem, tiny_prior(), config, torch::kCPU, 0), InvalidArgument);
  EXPECT_EQ(ddip_defaults(Modality::kCt).adapt_steps, 10);
  EXPECT_EQ(ddip_defaults(Modality::kMri).adapt_steps, 5);
  EXPECT_EQ(ddip_defaults(Modality::kCt).lora.rank, 4);
}

}  // namespace
}  // namespace diffrecon
