#include "data/phantoms/ellipsoid_phantom.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

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

bool same(const Ellipsoid& p, const Ellipsoid& q) {
  return p.value == q.value && p.semi_axis_x == q.semi_axis_x && p.semi_axis_y == q.semi_axis_y &&
         p.semi_axis_z == q.semi_axis_z && p.centre_x == q.centre_x && p.centre_y == q.centre_y &&
         p.centre_z == q.centre_z && p.phi == q.phi;
}

TEST(RandomEllipsoids, SameSeedGivesSameList) {
  const auto first = random_ellipsoids(20, 1234);
  const auto second = random_ellipsoids(20, 1234);
  ASSERT_EQ(first.size(), 20u);
  ASSERT_EQ(second.size(), 20u);
  for (size_t i = 0; i < first.size(); ++i) EXPECT_TRUE(same(first[i], second[i])) << i;
  EXPECT_TRUE(random_ellipsoids(0, 1234).empty());
}

TEST(RandomEllipsoids, DifferentSeedsDiffer) {
  const auto first = random_ellipsoids(20, 1);
  const auto second = random_ellipsoids(20, 2);
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_NE(first[i].centre_x, second[i].centre_x) << i;
    EXPECT_NE(first[i].semi_axis_x, second[i].semi_axis_x) << i;
  }
}

TEST(RandomEllipsoids, ShorterListIsAPrefix) {
  const auto long_list = random_ellipsoids(30, 99);
  const auto short_list = random_ellipsoids(7, 99);
  for (size_t i = 0; i < short_list.size(); ++i) EXPECT_TRUE(same(short_list[i], long_list[i])) << i;
}

TEST(RandomEllipsoids, RangesAndSigns) {
  RandomEllipsoidOptions options;
  options.negative_fraction = 0.3;
  const auto e = random_ellipsoids(1000, 42, options);
  int negative = 0;
  for (const Ellipsoid& x : e) {
    for (double axis : {x.semi_axis_x, x.semi_axis_y, x.semi_axis_z}) {
      EXPECT_GE(axis, 0.05);
      EXPECT_LE(axis, 0.4);
    }
    EXPECT_GE(std::abs(x.value), 0.1);
    EXPECT_LE(std::abs(x.value), 1.0);
    EXPECT_GE(x.phi, 0.0);
    EXPECT_LT(x.phi, M_PI);
    negative += x.value < 0;
  }
  EXPECT_GT(negative, 240);  // binomial(1000, 0.3): mean 300, sd 14.5
  EXPECT_LT(negative, 360);
  for (const Ellipsoid& x : random_ellipsoids(200, 42)) EXPECT_GT(x.value, 0);

  options.min_semi_axis = options.max_semi_axis = 0.2;
  options.min_value = options.max_value = 0.5;
  options.negative_fraction = 1;
  for (const Ellipsoid& x : random_ellipsoids(50, 5, options)) {
    EXPECT_EQ(x.semi_axis_x, 0.2);
    EXPECT_EQ(x.semi_axis_z, 0.2);
    EXPECT_EQ(x.value, -0.5);
  }
}

TEST(RandomEllipsoids, SurfacesLieInsideTheCube) {
  // Surface points centre + R(phi) D u over a dense grid of unit vectors u.
  const auto e = random_ellipsoids(500, 7);
  double reach = 0;
  for (const Ellipsoid& x : e) {
    const double c = std::cos(x.phi), s = std::sin(x.phi);
    for (int i = 0; i <= 60; ++i) {
      const double polar = M_PI * i / 60;
      for (int j = 0; j < 120; ++j) {
        const double azimuth = 2 * M_PI * j / 120;
        const double u = x.semi_axis_x * std::sin(polar) * std::cos(azimuth);
        const double v = x.semi_axis_y * std::sin(polar) * std::sin(azimuth);
        const double w = x.semi_axis_z * std::cos(polar);
        const double px = x.centre_x + c * u - s * v, py = x.centre_y + s * u + c * v, pz = x.centre_z + w;
        const double m = std::max({std::abs(px), std::abs(py), std::abs(pz)});
        ASSERT_LE(m, 1.0 + 1e-12) << "ellipsoid at (" << x.centre_x << ", " << x.centre_y << ", "
                                  << x.centre_z << ") leaves the cube";
        reach = std::max(reach, m);
      }
    }
  }
  EXPECT_GT(reach, 0.99);  // the centres use the whole admissible range
}

TEST(RandomEllipsoids, RejectsBadOptions) {
  EXPECT_THROW(random_ellipsoids(-1, 0), InvalidArgument);
  RandomEllipsoidOptions o;
  o.min_semi_axis = 0;
  EXPECT_THROW(random_ellipsoids(1, 0, o), InvalidArgument);
  o = {};
  o.max_semi_axis = 1.5;
  EXPECT_THROW(random_ellipsoids(1, 0, o), InvalidArgument);
  o = {};
  o.min_value = 2;
  EXPECT_THROW(random_ellipsoids(1, 0, o), InvalidArgument);
  o = {};
  o.negative_fraction = 1.5;
  EXPECT_THROW(random_ellipsoids(1, 0, o), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
