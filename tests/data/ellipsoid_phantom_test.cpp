#include "data/phantoms/ellipsoid_phantom.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace diffrecon {
namespace {

// Value of a 101³ phantom at normalised coordinates (voxel centres hit 0 and ±k/50.5 exactly enough).
float at(const torch::Tensor& v, double x, double y, double z) {
  const int64_t n = v.size(0);
  auto index = [n](double c) { return static_cast<int64_t>(std::lround(((c + 1) * n - 1) / 2)); };
  return v[index(z)][index(y)][index(x)].item<float>();
}

TEST(SheppLogan, ModifiedValuesAtKnownPoints) {
  const auto v = shepp_logan_3d(101, 101, 101);
  EXPECT_EQ(v.sizes(), c10::IntArrayRef({101, 101, 101}));
  EXPECT_EQ(v.scalar_type(), torch::kFloat);
  EXPECT_NEAR(at(v, 0, 0, 0), 0.2, 1e-6);      // brain: 1 − 0.8
  EXPECT_NEAR(at(v, 0.68, 0, 0), 1.0, 1e-6);   // skull
  EXPECT_NEAR(at(v, 0.95, 0, 0), 0.0, 1e-6);   // outside
  EXPECT_NEAR(at(v, 0.22, 0, 0), 0.0, 1e-6);   // right ventricle: 0.2 − 0.2
  EXPECT_NEAR(at(v, 0, 0.606, 0), 0.3, 1e-6);  // the small "mouth" ellipsoids sit at the bottom rows
  EXPECT_NEAR(at(v, 0, -0.606, 0), 0.2, 1e-6);
  EXPECT_GE(v.min().item<float>(), -1e-6f);  // 1 − 0.8 − 0.2 rounds to −6e−17
  EXPECT_LE(v.max().item<float>(), 1.0f);
}

TEST(SheppLogan, OriginalHasLowContrast) {
  const auto v = shepp_logan_3d(51, 51, 51, /*modified=*/false);
  EXPECT_NEAR(v.max().item<float>(), 2.0, 1e-6);
  EXPECT_NEAR(at(v, 0, 0, 0), 1.02, 1e-5);
}

TEST(SheppLogan, RotatedEllipsoidFollowsItsAngle) {
  // A thin ellipse along +x rotated by 90° lies along y.
  const std::vector<Ellipsoid> e{{1.0, 0.8, 0.1, 0.1, 0, 0, 0, M_PI / 2}};
  const auto v = rasterize_ellipsoids(e, 21, 21, 21);
  EXPECT_EQ(at(v, 0, 0.7, 0), 1.0f);
  EXPECT_EQ(at(v, 0.7, 0, 0), 0.0f);
}

TEST(SheppLogan, RejectsBadInput) {
  EXPECT_THROW(shepp_logan_3d(0, 4, 4), InvalidArgument);
  EXPECT_THROW(rasterize_ellipsoids({{1, 0, 1, 1, 0, 0, 0, 0}}, 4, 4, 4), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
