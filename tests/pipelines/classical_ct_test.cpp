#include "pipelines/ct/classical_ct.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/metrics.h"
#include "data/phantoms/ellipsoid_phantom.h"
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

TEST_F(ClassicalCt, RejectsBadSettings) {
  const auto m = sparse_view(phantom(), 4);
  AdmmTvConfig config;
  config.rho = 0;
  EXPECT_THROW(admm_tv_reconstruction(m, config, torch::kCPU), InvalidArgument);
  CglsConfig cgls;
  cgls.iterations = 0;
  EXPECT_THROW(cgls_reconstruction(m, cgls, torch::kCPU), InvalidArgument);
}

TEST(IntensityScale, IsARobustMaximum) {
  auto image = torch::linspace(0, 1, 100001);
  image[7] = 1000;  // one outlier does not move it
  EXPECT_NEAR(intensity_scale(image), 0.999, 1e-3);
  EXPECT_EQ(intensity_scale(torch::zeros({10})), 1.0);
}

}  // namespace
}  // namespace diffrecon
