#include "data/phantoms/analytic_projection.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

#include "core/error.h"
#include "data/phantoms/ellipsoid_phantom.h"

namespace diffrecon {
namespace {

// Midpoints of n equal bins covering [lo, hi].
std::vector<double> bin_centres(double lo, double hi, int64_t n) {
  std::vector<double> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = lo + (i + 0.5) * (hi - lo) / n;
  return out;
}

std::vector<double> uniform_angles(int64_t n) {
  std::vector<double> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = M_PI * i / n;
  return out;
}

double at(const torch::Tensor& p, int64_t slice, int64_t angle, int64_t detector) {
  return p[slice][angle][detector].item<double>();
}

TEST(AnalyticProjection, CentredDiscHandValues) {
  // Radius 0.5 in plane, c = 0.7; nz = 5 puts slices at z = −0.8, −0.4, 0, 0.4, 0.8.
  const double v = 0.7;
  const std::vector<Ellipsoid> e{{v, 0.5, 0.5, 0.7, 0, 0, 0, 0.3}};
  const std::vector<double> angles{0, 0.4, M_PI / 2, 2.0, 3.0};
  const std::vector<double> s{0, 0.3, -0.3, 0.49, 0.51, -0.6};
  const auto p = analytic_parallel_projection(e, 5, angles, s);
  ASSERT_EQ(p.sizes(), c10::IntArrayRef({5, 5, 6}));
  EXPECT_EQ(p.scalar_type(), torch::kDouble);
  const double r = 0.5 * std::sqrt(1 - (0.4 / 0.7) * (0.4 / 0.7));  // disc radius at z = ±0.4
  for (int64_t j = 0; j < 5; ++j) {
    EXPECT_NEAR(at(p, 2, j, 0), 2 * v * 0.5, 1e-14);
    EXPECT_NEAR(at(p, 2, j, 1), 2 * v * 0.4, 1e-14);  // chord 2√(0.25 − 0.09)
    EXPECT_NEAR(at(p, 2, j, 2), 2 * v * 0.4, 1e-14);
    EXPECT_NEAR(at(p, 2, j, 3), 2 * v * std::sqrt(0.25 - 0.49 * 0.49), 1e-14);
    EXPECT_EQ(at(p, 2, j, 4), 0.0);
    EXPECT_EQ(at(p, 2, j, 5), 0.0);
    EXPECT_NEAR(at(p, 1, j, 0), 2 * v * r, 1e-14);
    EXPECT_NEAR(at(p, 3, j, 0), 2 * v * r, 1e-14);
    EXPECT_EQ(at(p, 3, j, 4), 0.0);
    for (int64_t i = 0; i < 6; ++i) {
      EXPECT_EQ(at(p, 0, j, i), 0.0);  // |z| = 0.8 > c
      EXPECT_EQ(at(p, 4, j, i), 0.0);
    }
  }
}

TEST(AnalyticProjection, AngleAndAxisConventions) {
  // A thin ellipse along x at (0.3, −0.2): θ = 0 integrates along y (s = x), θ = π/2 along x (s = y).
  const std::vector<Ellipsoid> e{{1.0, 0.6, 0.05, 0.5, 0.3, -0.2, 0, 0}};
  const auto p =
      analytic_parallel_projection(e, 1, {0, M_PI / 2}, {0.3, 0.3 + 0.55, 0.3 - 0.65, -0.2, -0.16, -0.26});
  EXPECT_NEAR(at(p, 0, 0, 0), 2 * 0.05, 1e-14);
  EXPECT_GT(at(p, 0, 0, 1), 0.0);
  EXPECT_EQ(at(p, 0, 0, 2), 0.0);
  EXPECT_NEAR(at(p, 0, 1, 3), 2 * 0.6, 1e-14);
  EXPECT_GT(at(p, 0, 1, 4), 0.0);
  EXPECT_EQ(at(p, 0, 1, 5), 0.0);
  // Rotating the ellipse by phi = π/2 swaps the two views.
  const std::vector<Ellipsoid> rotated{{1.0, 0.6, 0.05, 0.5, 0.3, -0.2, 0, M_PI / 2}};
  const auto q = analytic_parallel_projection(rotated, 1, {0, M_PI / 2}, {0.3, -0.2});
  EXPECT_NEAR(at(q, 0, 0, 0), 2 * 0.6, 1e-12);
  EXPECT_NEAR(at(q, 0, 1, 1), 2 * 0.05, 1e-12);
}

TEST(AnalyticProjection, OppositeAnglesMirrorTheDetector) {
  // P(θ + π, −s) = P(θ, s).
  const auto e = random_ellipsoids(6, 11);
  const std::vector<double> angles{0.2, 1.1, 2.5};
  std::vector<double> opposite;
  for (double t : angles) opposite.push_back(t + M_PI);
  const auto s = bin_centres(-1.2, 1.2, 64);
  const auto p = analytic_parallel_projection(e, 7, angles, s);
  const auto q = analytic_parallel_projection(e, 7, opposite, s);
  EXPECT_LT((p - q.flip(2)).abs().max().item<double>(), 1e-12);
  EXPECT_GT(p.abs().max().item<double>(), 0.05);
}

TEST(AnalyticProjection, MassIsConservedAtEveryAngle) {
  // Σ_i P(θ, s_i) Δs = ∫ slice = Σ v π (rA)(rB) for every θ.
  const int64_t nz = 8, n_detectors = 6000;
  const auto s = bin_centres(-1.5, 1.5, n_detectors);
  const double ds = 3.0 / n_detectors;
  const auto angles = uniform_angles(12);
  double worst = 0;
  for (const auto& e : {shepp_logan_ellipsoids(), random_ellipsoids(10, 3)}) {
    const auto p = analytic_parallel_projection(e, nz, angles, s);
    const auto mass = p.sum(2) * ds;  // [nz, angles]
    for (int64_t k = 0; k < nz; ++k) {
      const double z = (2.0 * k + 1) / nz - 1;
      double expected = 0;
      for (const Ellipsoid& x : e) {
        const double w = (z - x.centre_z) / x.semi_axis_z;
        if (std::abs(w) < 1) expected += x.value * M_PI * x.semi_axis_x * x.semi_axis_y * (1 - w * w);
      }
      if (expected == 0) continue;
      for (int64_t j = 0; j < static_cast<int64_t>(angles.size()); ++j) {
        const double error = std::abs(mass[k][j].item<double>() - expected) / std::abs(expected);
        worst = std::max(worst, error);
        EXPECT_LT(error, 1e-3) << "slice " << k << " angle " << angles[j];
      }
    }
  }
  std::printf("mass conservation: worst relative error %.3g\n", worst);
}

// Line integrals of the rasterised slices: bilinear samples (grid_sample, align_corners = false puts
// pixel centres at (2i + 1)/n − 1, as rasterize_ellipsoids) every half pixel along each ray.
torch::Tensor numerical_projection(const torch::Tensor& volume, const std::vector<double>& angles,
                                   const std::vector<double>& s) {
  const int64_t nz = volume.size(0), n = volume.size(2);
  const int64_t n_angles = static_cast<int64_t>(angles.size()), n_detectors = static_cast<int64_t>(s.size());
  const auto opts = torch::TensorOptions().dtype(torch::kDouble);
  const double dt = 1.0 / n;
  const auto t = (torch::arange(static_cast<int64_t>(3.0 / dt), opts) + 0.5) * dt - 1.5;  // [−1.5, 1.5]
  const auto theta = torch::tensor(angles, opts).view({n_angles, 1, 1});
  const auto detector = torch::tensor(s, opts).view({1, n_detectors, 1});
  const auto x = detector * torch::cos(theta) - t.view({1, 1, -1}) * torch::sin(theta);
  const auto y = detector * torch::sin(theta) + t.view({1, 1, -1}) * torch::cos(theta);
  const auto grid = torch::stack({x, y}, -1).view({1, n_angles * n_detectors, -1, 2});
  auto out = torch::empty({nz, n_angles, n_detectors}, opts);
  for (int64_t k = 0; k < nz; ++k) {
    const auto image = volume[k].to(torch::kDouble).view({1, 1, -1, n});
    const auto samples =
        torch::grid_sampler(image, grid, /*bilinear*/ 0, /*zeros*/ 0, /*align_corners=*/false);
    out[k] = samples.sum(-1).view({n_angles, n_detectors}) * dt;
  }
  return out;
}

double relative_l2(const torch::Tensor& a, const torch::Tensor& reference) {
  return ((a - reference).norm() / reference.norm()).item<double>();
}

TEST(AnalyticProjection, AgreesWithProjectionOfRasterisedPhantom) {
  const int64_t nz = 4, n = 256;
  const auto angles = uniform_angles(18);
  const auto s = bin_centres(-1.2, 1.2, 160);
  for (const auto& [name, e] : {std::make_pair("shepp_logan", shepp_logan_ellipsoids()),
                                std::make_pair("random", random_ellipsoids(12, 5))}) {
    const auto volume = rasterize_ellipsoids(e, nz, n, n);
    const auto analytic = analytic_parallel_projection(e, nz, angles, s);
    const double error = relative_l2(numerical_projection(volume, angles, s), analytic);
    // Orientation control: the same volume with x and y swapped must not agree.
    const double transposed = relative_l2(numerical_projection(volume.transpose(1, 2), angles, s), analytic);
    std::printf("%s: relative L2 %.4f (transposed control %.3f)\n", name, error, transposed);
    EXPECT_LT(error, 0.02) << name;
    EXPECT_GT(transposed, 0.2) << name;
  }
}

TEST(AnalyticProjection, PhysicalUnitsScaleWithHalfWidth) {
  // A 200 mm field of view: h = 100, positions in mm, integrals in value · mm.
  const auto e = shepp_logan_ellipsoids();
  const auto s = bin_centres(-1.1, 1.1, 40);
  std::vector<double> s_mm;
  for (double x : s) s_mm.push_back(100 * x);
  const auto normalised = analytic_parallel_projection(e, 3, {0.3, 1.7}, s);
  const auto mm = analytic_parallel_projection(e, 3, {0.3, 1.7}, s_mm, 100);
  EXPECT_LT((mm - 100 * normalised).abs().max().item<double>(), 1e-10);
  // Centred disc of radius 0.5 in a 2h = 64-pixel field: the central chord is 32 pixels long.
  const auto pixels = analytic_parallel_projection({{1, 0.5, 0.5, 1, 0, 0, 0, 0}}, 1, {0.7}, {0}, 32);
  EXPECT_NEAR(pixels.item<double>(), 32, 1e-12);
}

TEST(AnalyticProjection, RejectsBadInput) {
  const auto e = shepp_logan_ellipsoids();
  EXPECT_THROW(analytic_parallel_projection(e, 0, {0}, {0}), InvalidArgument);
  EXPECT_THROW(analytic_parallel_projection(e, 1, {0}, {0}, 0), InvalidArgument);
  EXPECT_THROW(analytic_parallel_projection(e, 1, {NAN}, {0}), InvalidArgument);
  EXPECT_THROW(analytic_parallel_projection({{1, 0.5, -0.5, 1, 0, 0, 0, 0}}, 1, {0}, {0}), InvalidArgument);
  EXPECT_EQ(analytic_parallel_projection(e, 2, {}, {0}).sizes(), c10::IntArrayRef({2, 0, 1}));
}

}  // namespace
}  // namespace diffrecon
