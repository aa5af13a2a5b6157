#include "pipelines/diffusion_mbir.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/metrics.h"
#include "data/phantoms/ellipsoid_phantom.h"
#include "pipelines/ct/classical_ct.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"
#include "pipelines/mri/classical_mri.h"
#include "pipelines/mri/simulate_mri.h"
#include "pipelines/oracle_denoiser.h"

namespace diffrecon {
namespace {

TEST(DiffusionMbirCt, WithANearOracleBeatsFbpDeterministically) {
  const int64_t n = 32;
  Geometry geometry;
  geometry.spacing = {200.0 / n, 200.0 / n, 200.0 / n};
  const Volume truth(shepp_logan_3d(16, n, n) * 0.02f, geometry);
  CtScan scan;
  scan.angles = sparse_view_angles(12);
  const Measurement m = simulate_ct(truth, scan, {}, 1);
  SlicePriorOptions options;
  options.image_size = n;
  const SlicePrior oracle(std::make_shared<testing::OracleDenoiser>(truth.data() / 0.02, 0.05), options);
  const DiffusionProblem problem = ct_diffusion_problem(m, torch::kCPU, 0.02);
  const auto run = [&](const DiffusionMbirConfig& config, SamplerReport* report = nullptr) {
    return diffusion_output(problem, diffusion_mbir_reconstruction(problem, oracle, config, torch::kCPU, 3, report), m);
  };
  DiffusionMbirConfig config = diffusion_mbir_defaults(Modality::kCt);
  config.steps = 40;
  SamplerReport report;
  const Volume x = run(config, &report);
  EXPECT_EQ(x.geometry(), truth.geometry());
  EXPECT_EQ(report.network_evaluations, 80);
  const double fbp = psnr(truth.data(), fbp_reconstruction(m, {}, torch::kCPU).data());
  const double mbir = psnr(truth.data(), x.data());
  RecordProperty("psnr_diffusion_mbir", std::to_string(mbir));
  EXPECT_GT(mbir, fbp + 3.0) << "FBP " << fbp << " dB, DiffusionMBIR " << mbir << " dB";
  EXPECT_TRUE(torch::equal(run(config).data(), x.data()));
  config.steps = 1;
  EXPECT_THROW(run(config), InvalidArgument);
}

TEST(DiffusionMbirMri, WithANearOracleBeatsZeroFilled) {
  const int64_t n = 32;
  Geometry geometry;
  geometry.spacing = {200.0 / n, 200.0 / n, 200.0 / n};
  const Volume truth(shepp_logan_3d(8, n, n), geometry);
  MriScan scan;
  scan.coils = 4;
  scan.mask.kind = MaskKind::kPoisson2d;
  scan.mask.acceleration = 4;
  const Measurement m = simulate_mri(truth, scan, {}, 3);
  const DiffusionProblem problem = mri_diffusion_problem(m, torch::kCPU, false, CoilMapSource::kAuto, 1.0);
  SlicePriorOptions options;
  options.image_size = n;
  const SlicePrior oracle(std::make_shared<testing::OracleDenoiser>(truth.data(), 0.05), options);
  DiffusionMbirConfig config = diffusion_mbir_defaults(Modality::kMri);
  EXPECT_FALSE(config.final_back_projection);
  config.steps = 40;
  const Volume x =
      diffusion_output(problem, diffusion_mbir_reconstruction(problem, oracle, config, torch::kCPU, 3), m);
  const double zero_filled = psnr(truth.data(), zero_filled_reconstruction(m, {}, torch::kCPU).data());
  const double mbir = psnr(truth.data(), x.data());
  EXPECT_GT(mbir, zero_filled + 3.0) << "zero-filled " << zero_filled << " dB, DiffusionMBIR " << mbir << " dB";
}

}  // namespace
}  // namespace diffrecon
