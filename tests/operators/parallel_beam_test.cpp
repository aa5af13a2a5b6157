#include "operators/ct/parallel_beam.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "data/phantoms/analytic_projection.h"
#include "data/phantoms/ellipsoid_phantom.h"

namespace diffrecon {
namespace {

std::vector<double> uniform_angles(int count) {
  std::vector<double> angles;
  for (int k = 0; k < count; ++k) angles.push_back(M_PI * k / count);
  return angles;
}

TEST(ParallelBeam, UniformSlabGivesChordLengthsInMillimetres) {
  // A 10 × 8 slice of ones with 0.5 × 2 mm pixels: the vertical ray (θ = 0) through a column crosses
  // 8 rows of 2 mm, the horizontal ray (θ = π/2) through a row crosses 10 columns of 0.5 mm.
  ParallelBeamGeometry g;
  g.angles = {0.0, M_PI / 2};
  g.nz = 1, g.ny = 8, g.nx = 10;
  g.pixel_spacing_x = 0.5, g.pixel_spacing_y = 2.0;
  g.detector_count = 1;
  const auto op = parallel_beam_projector(g);
  const auto sinogram = op->apply(torch::ones({1, 8, 10}, torch::kDouble));
  EXPECT_NEAR(sinogram[0][0][0].item<double>(), 16.0, 1e-12);
  EXPECT_NEAR(sinogram[0][1][0].item<double>(), 5.0, 1e-12);
}

// Rasterised ellipsoids and their exact line integrals: 256² pixels of 0.8 mm, 4 slices, 60 views, a
// detector as fine as the pixels.
struct AnalyticCase {
  ParallelBeamGeometry geometry;
  torch::Tensor volume, exact;

  explicit AnalyticCase(const std::vector<Ellipsoid>& ellipsoids) {
    const int64_t n = 256, nz = 4, bins = 367;
    const double pixel = 0.8;  // mm, also the bin spacing
    geometry.angles = uniform_angles(60);
    geometry.nz = nz, geometry.ny = n, geometry.nx = n;
    geometry.pixel_spacing_x = geometry.pixel_spacing_y = pixel;
    geometry.detector_count = bins, geometry.detector_spacing = pixel;
    volume = rasterize_ellipsoids(ellipsoids, nz, n, n).to(torch::kDouble);
    std::vector<double> positions;
    for (int64_t u = 0; u < bins; ++u) positions.push_back((u - 0.5 * (bins - 1)) * pixel);
    exact = analytic_parallel_projection(ellipsoids, nz, geometry.angles, positions, 0.5 * n * pixel);
  }

  // Relative L2 error of the projector's sinogram of `image`.
  double error(const torch::Tensor& image) const {
    const auto sinogram = parallel_beam_projector(geometry)->apply(image.contiguous());
    return ((sinogram - exact).norm() / exact.norm()).item<double>();
  }
};

TEST(ParallelBeam, MatchesAnalyticLineIntegralsOfSheppLoganWithinTwoPercent) {
  const AnalyticCase shepp_logan(shepp_logan_ellipsoids());
  EXPECT_LT(shepp_logan.error(shepp_logan.volume), 0.02);
  // The orientation matters: the transposed slices must not match.
  EXPECT_GT(shepp_logan.error(shepp_logan.volume.transpose(1, 2)), 0.1);
}

TEST(ParallelBeam, MatchesAnalyticLineIntegralsOfRandomEllipsoidsWithinTwoPercent) {
  for (const uint64_t seed : {1, 2, 3}) {
    const AnalyticCase random(random_ellipsoids(12, seed));
    EXPECT_LT(random.error(random.volume), 0.02) << "seed " << seed;
  }
}

TEST(ParallelBeam, FloatAndDoubleAgree) {
  ParallelBeamGeometry g;
  g.angles = uniform_angles(9);
  g.nz = 2, g.ny = 16, g.nx = 16;
  g.detector_count = 23;
  const auto op = parallel_beam_projector(g);
  const auto x = torch::rand({2, 16, 16}, torch::kDouble);
  EXPECT_TRUE(torch::allclose(op->apply(x.to(torch::kFloat)).to(torch::kDouble), op->apply(x), 1e-5, 1e-5));
}

TEST(ParallelBeam, RejectsBadGeometry) {
  ParallelBeamGeometry g;
  g.nz = g.ny = g.nx = 4;
  g.detector_count = 5;
  EXPECT_THROW(parallel_beam_projector(g), InvalidArgument);  // no angles
  g.angles = {0.0};
  g.detector_spacing = 0;
  EXPECT_THROW(parallel_beam_projector(g), InvalidArgument);
  g.detector_spacing = 1;
  g.angles = {std::nan("")};
  EXPECT_THROW(parallel_beam_projector(g), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
