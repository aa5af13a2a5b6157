#include "pipelines/tpdm.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/autograd.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/metrics.h"
#include "data/phantoms/ellipsoid_phantom.h"
#include "operators/autograd_bridge.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"
#include "pipelines/oracle_denoiser.h"
#include "pipelines/small_ct.h"
#include "pipelines/zsr/classical_zsr.h"
#include "pipelines/zsr/zsr_problem.h"
#include "priors/denoiser.h"
#include "priors/tiny_unet.h"
#include "priors/ve_sampler.h"

namespace diffrecon {
namespace {

TEST(TpdmAlternation, FollowsTheOfficialPatterns) {
  at::Generator g = at::detail::createCPUGenerator(0);
  const auto pattern = [&](double k, int n) {
    std::string turns;
    for (int i = 0; i < n; ++i) turns += TpdmAlternation(k).primary_turn(i, g) ? 'P' : 'a';
    return turns;
  };
  EXPECT_EQ(pattern(2, 6), "PaPaPa");
  EXPECT_EQ(pattern(3, 6), "PPaPPa");
  EXPECT_EQ(pattern(std::numeric_limits<double>::infinity(), 4), "PPPP");
  const std::string random = pattern(2.7, 4000);
  const double auxiliary = static_cast<double>(std::count(random.begin(), random.end(), 'a')) / 4000;
  EXPECT_NEAR(auxiliary, 1 / 2.7, 0.03);
  EXPECT_THROW(TpdmAlternation(1), InvalidArgument);
  EXPECT_THROW(TpdmAlternation(std::nan("")), InvalidArgument);
}

testing::SmallCt small_ct() { return testing::small_ct(6); }

// Primary-only DPS written out with autograd through the whole volume: VE corrector then predictor
// (predictor noise dropped), each followed by x ← x − w √(N/6) ∇_x ‖A(c D(x)) − y‖ / (c √s).
torch::Tensor primary_only_dps(const DiffusionProblem& p, const SlicePrior& prior, const TpdmConfig& config,
                               uint64_t seed) {
  VeSchedule schedule = config.schedule;
  schedule.levels = config.steps;
  auto sigmas = schedule.discrete_sigmas();
  std::reverse(sigmas.begin(), sigmas.end());
  at::Generator g = at::detail::createCPUGenerator(seed);
  const double n = static_cast<double>(slice_count(p.forward->domain_shape(), prior.options().plane));
  const double factor = config.dps_weight * std::sqrt(n / 6) / (p.scale * std::sqrt(p.normal_scale));
  torch::Tensor gradient;
  const ScoreFunction score = [&](const torch::Tensor& x, double sigma) {
    const auto leaf = x.clone().requires_grad_(true);
    const auto x0 = prior.denoise(leaf, sigma);
    const auto misfit = (apply_differentiable(p.forward, x0 * p.scale) - p.measurement).norm();
    gradient = torch::autograd::grad({misfit}, {leaf})[0] * factor;
    return (x0.detach() - x) / (sigma * sigma);
  };
  auto x = standard_normal(p.forward->domain_shape(), false, g, torch::kCPU) * sigmas.front();
  for (size_t i = 0; i < sigmas.size(); ++i) {
    const double next = i + 1 < sigmas.size() ? sigmas[i + 1] : 0.0;
    const auto corrected = langevin_corrector_step(score, x, sigmas[i], config.snr, g).x - gradient;
    x = reverse_diffusion_step(score, corrected, sigmas[i], next, g).mean - gradient;
  }
  return x * p.scale;
}

TEST(Tpdm, WithKInfiniteIsPrimaryOnlyDps) {
  torch::manual_seed(3);
  const testing::SmallCt ct = small_ct();
  SlicePriorOptions axial, coronal;
  axial.image_size = coronal.image_size = 16;
  coronal.plane = SlicePlane::kCoronal;
  const SlicePrior primary(testing::random_tiny_denoiser(), axial);
  const SlicePrior auxiliary(testing::random_tiny_denoiser(), coronal);
  TpdmConfig config = tpdm_defaults(Modality::kCt);
  config.steps = 6;
  config.alternation = std::numeric_limits<double>::infinity();
  config.dps_weight = 0.5;
  const auto tpdm = tpdm_reconstruction(ct.problem, primary, auxiliary, config, torch::kCPU, 5);
  const auto reference = primary_only_dps(ct.problem, primary, config, 5);
  const double scale = reference.abs().max().item<double>();
  EXPECT_TRUE(torch::allclose(tpdm, reference, 1e-3, 1e-4 * scale))
      << "max difference " << (tpdm - reference).abs().max().item<double>() << " of " << scale;
  // The DPS term matters: without it the result differs.
  config.dps_weight = 0;
  EXPECT_FALSE(torch::allclose(tpdm_reconstruction(ct.problem, primary, auxiliary, config, torch::kCPU, 5), tpdm,
                               1e-3, 1e-4 * scale));
}

TEST(Tpdm, RejectsPriorsOnOnePlaneAndAKOfOne) {
  const testing::SmallCt ct = small_ct();
  SlicePriorOptions options;
  options.image_size = 16;
  const SlicePrior axial(testing::random_tiny_denoiser(), options);
  TpdmConfig config = tpdm_defaults(Modality::kCt);
  config.steps = 2;
  EXPECT_THROW(tpdm_reconstruction(ct.problem, axial, axial, config, torch::kCPU, 0), InvalidArgument);
  options.plane = SlicePlane::kSagittal;
  const SlicePrior sagittal(testing::random_tiny_denoiser(2), options);
  EXPECT_THROW(tpdm_reconstruction(ct.problem, axial, sagittal, config, torch::kCPU, 0), InvalidArgument);
  config.alternation = 1;
  const SlicePrior real_sagittal(testing::random_tiny_denoiser(), options);
  EXPECT_THROW(tpdm_reconstruction(ct.problem, axial, real_sagittal, config, torch::kCPU, 0), InvalidArgument);
}

TEST(Tpdm, DefaultsFollowTheOfficialScripts) {
  EXPECT_EQ(tpdm_defaults(Modality::kCt).dps_weight, 0.025);
  EXPECT_EQ(tpdm_defaults(Modality::kCt).alternation, 2.7);
  EXPECT_EQ(tpdm_defaults(Modality::kMri).dps_weight, 0.002);
  EXPECT_EQ(tpdm_defaults(Modality::kZsr, 4).dps_weight, 3.0);
  EXPECT_EQ(tpdm_defaults(Modality::kZsr, 2).dps_weight, 1.0);
  EXPECT_TRUE(tpdm_defaults(Modality::kZsr, 4).start_from_measurement);
  EXPECT_EQ(tpdm_defaults(Modality::kMri).steps, 2000);
}

TEST(TpdmZsr, WithNearOraclePriorsBeatsCubicInterpolationDeterministically) {
  const int64_t n = 16;
  Geometry geometry;
  geometry.spacing = {1.0, 1.0, 1.0};
  const Volume truth(shepp_logan_3d(n, n, n), geometry);
  const Measurement m = simulate_zsr(truth, 4, {}, 0);
  const DiffusionProblem problem = zsr_diffusion_problem(m, torch::kCPU, 1.0);
  SlicePriorOptions coronal, axial;
  coronal.image_size = axial.image_size = n;
  coronal.plane = SlicePlane::kCoronal;
  const auto run = [&](SamplerReport* report = nullptr) {
    // Fresh oracles: they hand out their slices in call order.
    const SlicePrior primary(
        std::make_shared<testing::OracleDenoiser>(to_slices(truth.data(), SlicePlane::kCoronal).contiguous(), 0.05),
        coronal);
    const SlicePrior auxiliary(std::make_shared<testing::OracleDenoiser>(truth.data(), 0.05), axial);
    TpdmConfig config = tpdm_defaults(Modality::kZsr, 4);
    config.steps = 30;
    return diffusion_output(problem, tpdm_reconstruction(problem, primary, auxiliary, config, torch::kCPU, 7, report),
                            m);
  };
  SamplerReport report;
  const Volume x = run(&report);
  EXPECT_EQ(x.geometry(), truth.geometry());
  EXPECT_EQ(report.network_evaluations, 60);
  const double cubic = psnr(truth.data(), z_interpolation_reconstruction(m, ZInterpolation::kCubic, torch::kCPU).data());
  const double tpdm = psnr(truth.data(), x.data());
  EXPECT_GT(tpdm, cubic + 3.0) << "cubic " << cubic << " dB, TPDM " << tpdm << " dB";
  EXPECT_TRUE(torch::equal(run().data(), x.data()));
}

}  // namespace
}  // namespace diffrecon
