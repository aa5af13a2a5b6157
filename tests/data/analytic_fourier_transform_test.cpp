#include "data/phantoms/analytic_fourier_transform.h"

#include <gtest/gtest.h>
#include <torch/fft.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdio>
#include <utility>
#include <vector>

#include "core/error.h"
#include "data/phantoms/analytic_projection.h"
#include "data/phantoms/ellipsoid_phantom.h"

namespace diffrecon {
namespace {

using Complex = std::complex<double>;

Complex item(const torch::Tensor& t) { return static_cast<Complex>(t.item<c10::complex<double>>()); }

Complex transform_at(const std::vector<Ellipsoid>& e, double kx, double ky, double kz) {
  const auto opts = torch::TensorOptions().dtype(torch::kDouble);
  const auto f = analytic_fourier_transform(e, torch::tensor({kx}, opts), torch::tensor({ky}, opts),
                                            torch::tensor({kz}, opts));
  return item(f[0]);
}

// Σ_j f(p_j) e^{−2πi k·p_j} · 8/(nx ny nz) over the voxel centres p_j of a [nz, ny, nx] volume.
Complex riemann_sum(const torch::Tensor& volume, double kx, double ky, double kz) {
  const auto opts = torch::TensorOptions().dtype(torch::kDouble);
  auto phase = [&](int64_t n, double k) {
    const auto p = (2 * torch::arange(n, opts) + 1) / static_cast<double>(n) - 1;
    return torch::polar(torch::ones_like(p), -2 * M_PI * k * p);
  };
  const int64_t nz = volume.size(0), ny = volume.size(1), nx = volume.size(2);
  const auto sum = (volume.to(torch::kComplexDouble) * phase(nz, kz).view({nz, 1, 1}) *
                    phase(ny, ky).view({1, ny, 1}) * phase(nx, kx).view({1, 1, nx}))
                       .sum();
  return item(sum) * (8.0 / static_cast<double>(nx * ny * nz));
}

const std::vector<Ellipsoid> kTilted{{0.8, 0.45, 0.3, 0.25, 0.2, -0.15, 0.1, 0.5}};

TEST(AnalyticFourierTransform, ZeroFrequencyIsTheTotalMass) {
  const Complex sphere = transform_at({{2.0, 0.5, 0.5, 0.5, 0.3, -0.1, 0.2, 0}}, 0, 0, 0);
  EXPECT_NEAR(sphere.real(), M_PI / 3, 1e-15);  // 2 · (4π/3) · 0.5³
  EXPECT_EQ(sphere.imag(), 0.0);
  double mass = 0;
  const auto e = shepp_logan_ellipsoids();
  for (const Ellipsoid& x : e) mass += x.value * 4 * M_PI / 3 * x.semi_axis_x * x.semi_axis_y * x.semi_axis_z;
  const Complex f = transform_at(e, 0, 0, 0);
  EXPECT_NEAR(f.real(), mass, 1e-14);
  EXPECT_EQ(f.imag(), 0.0);
}

TEST(AnalyticFourierTransform, ShapeDtypeAndBroadcasting) {
  const auto opts = torch::TensorOptions().dtype(torch::kFloat);
  const auto kx = torch::linspace(-2, 2, 5, opts).view({5, 1, 1});
  const auto ky = torch::linspace(-1, 1, 3, opts).view({1, 3, 1});
  const auto kz = torch::zeros({1, 1, 4}, torch::kInt64);
  const auto f = analytic_fourier_transform(kTilted, kx, ky, kz);
  EXPECT_EQ(f.sizes(), c10::IntArrayRef({5, 3, 4}));
  EXPECT_EQ(f.scalar_type(), torch::kComplexDouble);
  // A real phantom has a Hermitian transform: F(−k) = conj F(k).
  const auto g = analytic_fourier_transform(kTilted, -kx, -ky, kz);
  EXPECT_LT((f - g.conj()).abs().max().item<double>(), 1e-15);
  EXPECT_EQ(analytic_fourier_transform({}, kx, ky, kz).abs().max().item<double>(), 0.0);
}

TEST(AnalyticFourierTransform, SeriesBranchMatchesClosedForm) {
  // Unit ball: F(k) = 4π (sin t − t cos t)/t³, t = 2π‖k‖, evaluated in long double on both sides of
  // the series threshold t = 1.
  const std::vector<Ellipsoid> ball{{1, 1, 1, 1, 0, 0, 0, 0}};
  for (double t : {0.01, 0.1, 0.5, 0.999, 1.001, 2.0, 5.0, 20.0}) {
    const long double tl = t;
    const long double expected = 4 * M_PIl * (std::sin(tl) - tl * std::cos(tl)) / (tl * tl * tl);
    const double q = t / (2 * M_PI);
    const Complex f = transform_at(ball, q * 0.6, -q * 0.8, 0);
    EXPECT_NEAR(f.real(), static_cast<double>(expected),
                1e-13 * std::abs(static_cast<double>(expected)) + 1e-16)
        << "t = " << t;
  }
  EXPECT_NEAR(transform_at(ball, 1e-12, 0, 0).real(), 4 * M_PI / 3, 1e-15);
}

TEST(AnalyticFourierTransform, MatchesSumOverRasterisedEllipsoid) {
  const int64_t n = 128;
  const auto volume = rasterize_ellipsoids(kTilted, n, n, n);
  const std::vector<std::array<double, 3>> frequencies{
      {0, 0, 0}, {0.5, 0, 0}, {0, 0.5, 0}, {0, 0, 0.5}, {0.5, -0.5, 0.5}, {1, 0.5, -0.5}, {-1, 1, 0.5}};
  double worst = 0;
  for (const auto& k : frequencies) {
    const Complex analytic = transform_at(kTilted, k[0], k[1], k[2]);
    const Complex numeric = riemann_sum(volume, k[0], k[1], k[2]);
    const double error = std::abs(numeric - analytic) / std::abs(analytic);
    worst = std::max(worst, error);
    std::printf("k = (%g, %g, %g): |F| = %.5f, relative error %.2e\n", k[0], k[1], k[2], std::abs(analytic),
                error);
    EXPECT_LT(error, 0.01);
  }
  std::printf("rasterised sum: worst relative error %.3g\n", worst);
}

TEST(AnalyticFourierTransform, FftnIndexRelation) {
  // fftn(f)[m] = Π_axes (n/2) e^{iπ m (1/n − 1)} · F(m/2) up to the rasterisation error; signed m.
  const int64_t nz = 64, ny = 80, nx = 96;
  const auto volume = rasterize_ellipsoids(kTilted, nz, ny, nx);
  const auto spectrum = torch::fft::fftn(volume.to(torch::kDouble));
  const std::vector<std::array<int64_t, 3>> indices{{0, 0, 0}, {1, 0, 0}, {0, -1, 2}, {-1, 1, -2}, {1, 2, 1}};
  for (const auto& m : indices) {  // (mz, my, mx)
    const int64_t size[3] = {nz, ny, nx};
    Complex factor = 1;
    for (int a = 0; a < 3; ++a)
      factor *=
          static_cast<double>(size[a]) / 2 *
          std::exp(Complex(0, M_PI * static_cast<double>(m[a]) * (1.0 / static_cast<double>(size[a]) - 1)));
    const Complex expected = factor * transform_at(kTilted, m[2] / 2.0, m[1] / 2.0, m[0] / 2.0);
    const auto wrap = [](int64_t i, int64_t n) { return (i + n) % n; };
    const Complex actual = item(spectrum[wrap(m[0], nz)][wrap(m[1], ny)][wrap(m[2], nx)]);
    const double error = std::abs(actual - expected) / std::abs(expected);
    std::printf("m = (%ld, %ld, %ld): relative error %.2e\n", static_cast<long>(m[0]),
                static_cast<long>(m[1]), static_cast<long>(m[2]), error);
    EXPECT_LT(error, 0.01);
  }
}

TEST(AnalyticFourierTransform, ProjectionSliceTheorem) {
  // ∫∫ P_θ(s, z) e^{−2πi(ρ s + kz z)} ds dz = F(ρ cos θ, ρ sin θ, kz): two analytic results, midpoint
  // sums over the slices and detector bins.
  const auto e = random_ellipsoids(6, 3);
  const int64_t nz = 512, n_detectors = 1024;
  const std::vector<double> angles{0, 0.7, 2.2};
  std::vector<double> s(n_detectors);
  for (int64_t i = 0; i < n_detectors; ++i) s[static_cast<size_t>(i)] = -1.5 + (i + 0.5) * 3.0 / n_detectors;
  const auto p = analytic_parallel_projection(e, nz, angles, s).to(torch::kComplexDouble);
  const auto opts = torch::TensorOptions().dtype(torch::kDouble);
  const auto z = (2 * torch::arange(nz, opts) + 1) / static_cast<double>(nz) - 1;
  const auto sd = torch::tensor(s, opts);
  const double mass = std::abs(transform_at(e, 0, 0, 0));
  double worst = 0;
  for (size_t j = 0; j < angles.size(); ++j) {
    for (const auto& [rho, kz] : {std::make_pair(0.0, 0.0), std::make_pair(0.8, 0.0),
                                  std::make_pair(1.5, -0.6), std::make_pair(-0.4, 1.2)}) {
      const auto kernel = torch::polar(torch::ones({nz, n_detectors}, opts),
                                       -2 * M_PI * (rho * sd.view({1, -1}) + kz * z.view({-1, 1})));
      const Complex numeric =
          item((p.select(1, static_cast<int64_t>(j)) * kernel).sum()) * (2.0 / nz) * (3.0 / n_detectors);
      const Complex analytic = transform_at(e, rho * std::cos(angles[j]), rho * std::sin(angles[j]), kz);
      const double error = std::abs(numeric - analytic) / mass;
      worst = std::max(worst, error);
      EXPECT_LT(error, 1e-3) << "theta " << angles[j] << " rho " << rho << " kz " << kz;
    }
  }
  std::printf("projection-slice: worst error / F(0) %.3g\n", worst);
}

TEST(AnalyticFourierTransform, RejectsBadInput) {
  const auto k = torch::zeros({3}, torch::kDouble);
  EXPECT_THROW(analytic_fourier_transform(kTilted, torch::zeros({3}, torch::kComplexDouble), k, k),
               ShapeMismatch);
  EXPECT_THROW(analytic_fourier_transform(kTilted, torch::zeros({4}), k, k), ShapeMismatch);
  EXPECT_THROW(analytic_fourier_transform({{1, 0, 1, 1, 0, 0, 0, 0}}, k, k, k), InvalidArgument);
  EXPECT_THROW(analytic_fourier_transform(kTilted, torch::Tensor(), k, k), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
