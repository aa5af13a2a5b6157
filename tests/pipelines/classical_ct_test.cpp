#include "pipelines/ct/classical_ct.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/metrics.h"
#include "data/phantoms/ellipsoid_phantom.h"
#include "operators/ct/field_of_view.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"

namespace diffrecon {
namespace {

// The 3D Shepp–Logan head as attenuation (1/mm) on an n³ grid of a 200 mm field of view.
Volume shepp_logan_volume(int64_t n) {
  Geometry geometry;
  const double spacing = 200.0 / n;
  geometry.spacing = {spacing, spacing, spacing};
  return Volume(shepp_logan_3d(n, n, n) * 0.02f, geometry);
}

Measurement sparse_view(const Volume& volume, int views, const NoiseModel& noise = {}) {
  CtScan scan;
  scan.angles = sparse_view_angles(views);
  return simulate_ct(volume, scan, noise, 1);
}

class ClassicalCt : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { phantom_ = new Volume(shepp_logan_volume(32)); }
  static void TearDownTestSuite() { delete phantom_; }
  static const Volume& phantom() { return *phantom_; }

 private:
  static Volume* phantom_;
};
Volume* ClassicalCt::phantom_ = nullptr;

TEST_F(ClassicalCt, FbpOfManyViewsIsAccurateAndKeepsTheGeometry) {
  const auto m = sparse_view(phantom(), 90);
  const auto x = fbp_reconstruction(m, {}, torch::kCPU);
  EXPECT_EQ(x.geometry(), phantom().geometry());
  EXPECT_EQ(x.data().sizes(), phantom().data().sizes());
  EXPECT_EQ(x.data().scalar_type(), torch::kFloat);
  EXPECT_GT(psnr(phantom().data(), x.data()), 20.0);
}

TEST_F(ClassicalCt, IterativeMethodsBeatFbpOnEightViews) {
  const auto m = sparse_view(phantom(), 8);
  const double fbp = psnr(phantom().data(), fbp_reconstruction(m, {}, torch::kCPU).data());
  const double cgls = psnr(phantom().data(), cgls_reconstruction(m, {}, torch::kCPU).data());
  AdmmTvConfig config;
  config.iterations = 15;
  const double tv = psnr(phantom().data(), admm_tv_reconstruction(m, config, torch::kCPU).data());
  RecordProperty("psnr_fbp", std::to_string(fbp));
  RecordProperty("psnr_cgls", std::to_string(cgls));
  RecordProperty("psnr_admm_tv", std::to_string(tv));
  EXPECT_GT(cgls, fbp + 1.0);
  EXPECT_GT(tv, fbp + 6.0);
}

TEST_F(ClassicalCt, ZOnlyTvDiffersFromThreeDimensionalTv) {
  const auto m = sparse_view(phantom(), 8);
  AdmmTvConfig config;
  config.iterations = 3;
  const auto xyz = admm_tv_reconstruction(m, config, torch::kCPU);
  config.directions = TvDirections::kZ;
  const auto z = admm_tv_reconstruction(m, config, torch::kCPU);
  EXPECT_GT((xyz.data() - z.data()).abs().max().item<double>(), 1e-4);
  EXPECT_EQ(parse_tv_directions("z"), TvDirections::kZ);
  EXPECT_THROW(parse_tv_directions("yz"), InvalidArgument);
}

TEST_F(ClassicalCt, IterativeMethodsKeepPositivityAndTheFieldOfView) {
  // A detector that covers only the inscribed circle: the corners are outside the field of view.
  CtScan scan;
  scan.angles = sparse_view_angles(8);
  scan.detector_count = phantom().nx();
  scan.detector_spacing = phantom().geometry().spacing[0];
  const auto m = simulate_ct(phantom(), scan, {}, 1);
  const auto outside = field_of_view_mask(parallel_beam_geometry(m)) == 0;
  ASSERT_GT(outside.sum().item<int64_t>(), 0);
  CglsConfig cgls;
  AdmmTvConfig admm;
  admm.iterations = 5;
  PrimalDualTvConfig primal_dual;
  primal_dual.iterations = 100;
  const std::vector<std::pair<const char*, Volume>> constrained = {
      {"cgls", cgls_reconstruction(m, cgls, torch::kCPU)},
      {"admm-tv", admm_tv_reconstruction(m, admm, torch::kCPU)},
      {"primal-dual-tv", primal_dual_tv_reconstruction(m, primal_dual, torch::kCPU)}};
  for (const auto& [name, x] : constrained) {
    EXPECT_GE(x.data().min().item<double>(), 0.0) << name;
    EXPECT_EQ(x.data().index({torch::indexing::Slice(), outside}).abs().max().item<double>(), 0.0) << name;
    EXPECT_GT(x.data().max().item<double>(), 0.01) << name;
  }
  const auto fbp = fbp_reconstruction(m, {}, torch::kCPU).data();
  EXPECT_EQ(fbp.index({torch::indexing::Slice(), outside}).abs().max().item<double>(), 0.0);
  EXPECT_LT(fbp.min().item<double>(), 0.0) << "FBP applies the field of view only";

  // Without the constraints the same methods go negative and fill the corners.
  cgls.constraints = {false, FieldOfView::kFull};
  admm.constraints = cgls.constraints;
  primal_dual.constraints = cgls.constraints;
  FbpConfig full;
  full.field_of_view = FieldOfView::kFull;
  for (const auto& x : {cgls_reconstruction(m, cgls, torch::kCPU).data(), admm_tv_reconstruction(m, admm, torch::kCPU).data(),
                        primal_dual_tv_reconstruction(m, primal_dual, torch::kCPU).data(),
                        fbp_reconstruction(m, full, torch::kCPU).data()}) {
    EXPECT_LT(x.min().item<double>(), 0.0);
    EXPECT_GT(x.index({torch::indexing::Slice(), outside}).abs().max().item<double>(), 0.0);
  }
  EXPECT_EQ(parse_field_of_view("full"), FieldOfView::kFull);
  EXPECT_THROW(parse_field_of_view("disc"), InvalidArgument);
}

TEST_F(ClassicalCt, PrimalDualTvBeatsFbpAndCglsOnEightViews) {
  const auto m = sparse_view(phantom(), 8);
  const double fbp = psnr(phantom().data(), fbp_reconstruction(m, {}, torch::kCPU).data());
  const double cgls = psnr(phantom().data(), cgls_reconstruction(m, {}, torch::kCPU).data());
  const double tv = psnr(phantom().data(), primal_dual_tv_reconstruction(m, {}, torch::kCPU).data());
  RecordProperty("psnr_primal_dual_tv", std::to_string(tv));
  EXPECT_GT(tv, fbp + 6.0);
  EXPECT_GT(tv, cgls + 1.0);
}

TEST_F(ClassicalCt, RejectsBadSettings) {
  const auto m = sparse_view(phantom(), 4);
  AdmmTvConfig config;
  config.rho = 0;
  EXPECT_THROW(admm_tv_reconstruction(m, config, torch::kCPU), InvalidArgument);
  CglsConfig cgls;
  cgls.iterations = 0;
  EXPECT_THROW(cgls_reconstruction(m, cgls, torch::kCPU), InvalidArgument);
  PrimalDualTvConfig primal_dual;
  primal_dual.tolerance = -1;
  EXPECT_THROW(primal_dual_tv_reconstruction(m, primal_dual, torch::kCPU), InvalidArgument);
  primal_dual.tolerance = 0;
  primal_dual.lambda = std::nan("");
  EXPECT_THROW(primal_dual_tv_reconstruction(m, primal_dual, torch::kCPU), InvalidArgument);
}

TEST(IntensityScale, IsARobustMaximum) {
  auto image = torch::linspace(0, 1, 100001);
  image[7] = 1000;  // one outlier does not move it
  EXPECT_NEAR(intensity_scale(image), 0.999, 1e-3);
  EXPECT_EQ(intensity_scale(torch::zeros({10})), 1.0);
}

}  // namespace
}  // namespace diffrecon
