#include "pipelines/ct/diffusion_mbir_ct.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/metrics.h"
#include "data/phantoms/ellipsoid_phantom.h"
#include "pipelines/ct/classical_ct.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"
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
  DiffusionMbirCtConfig config;
  config.steps = 40;
  config.intensity_scale = 0.02;
  SamplerReport report;
  const Volume x = diffusion_mbir_ct_reconstruction(m, oracle, config, torch::kCPU, 3, &report);
  EXPECT_EQ(x.geometry(), truth.geometry());
  EXPECT_EQ(report.network_evaluations, 80);
  const double fbp = psnr(truth.data(), fbp_reconstruction(m, {}, torch::kCPU).data());
  const double mbir = psnr(truth.data(), x.data());
  RecordProperty("psnr_diffusion_mbir", std::to_string(mbir));
  EXPECT_GT(mbir, fbp + 3.0) << "FBP " << fbp << " dB, DiffusionMBIR " << mbir << " dB";
  EXPECT_TRUE(torch::equal(diffusion_mbir_ct_reconstruction(m, oracle, config, torch::kCPU, 3).data(), x.data()));
  config.steps = 1;
  EXPECT_THROW(diffusion_mbir_ct_reconstruction(m, oracle, config, torch::kCPU, 3), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
