#include "operators/ct/fbp.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "data/phantoms/analytic_projection.h"

namespace diffrecon {
namespace {

std::vector<double> uniform_angles(int count, double range = M_PI) {
  std::vector<double> angles;
  for (int k = 0; k < count; ++k) angles.push_back(range * k / count);
  return angles;
}

ParallelBeamGeometry square_geometry(int64_t n, int views, double pixel, int64_t bins, double bin) {
  ParallelBeamGeometry g;
  g.angles = uniform_angles(views);
  g.nz = 1, g.ny = n, g.nx = n;
  g.pixel_spacing_x = g.pixel_spacing_y = pixel;
  g.detector_count = bins, g.detector_spacing = bin;
  return g;
}

torch::Tensor analytic_sinogram(const std::vector<Ellipsoid>& phantom, const ParallelBeamGeometry& g) {
  std::vector<double> positions;
  for (int64_t u = 0; u < g.detector_count; ++u) positions.push_back((u - 0.5 * (g.detector_count - 1)) * g.detector_spacing);
  return analytic_parallel_projection(phantom, g.nz, g.angles, positions, 0.5 * g.nx * g.pixel_spacing_x);
}

TEST(RampWindow, NamesRoundTripAndUnknownNamesAreRejected) {
  for (const auto w : {RampWindow::kRamLak, RampWindow::kSheppLogan, RampWindow::kCosine, RampWindow::kHann})
    EXPECT_EQ(parse_ramp_window(to_string(w)), w);
  EXPECT_THROW(parse_ramp_window("hamming"), InvalidArgument);
}

TEST(RampFilter, KeepsShapeAndDtypeAndRejectsBadSpacing) {
  const auto sinogram = torch::rand({2, 3, 17}, torch::kDouble);
  const auto filtered = ramp_filter(sinogram, 0.5);
  EXPECT_EQ(filtered.sizes(), sinogram.sizes());
  EXPECT_EQ(filtered.scalar_type(), torch::kDouble);
  EXPECT_THROW(ramp_filter(sinogram, 0.0), InvalidArgument);
  EXPECT_THROW(ramp_filter(torch::ones({3}, torch::kInt), 1.0), InvalidArgument);
}

TEST(RampFilter, ScalesAsOneOverSpacingSquared) {
  // q = τ (h * p) with h ∝ 1/τ²: the same samples on a twice finer detector filter to twice the values.
  const auto sinogram = torch::rand({1, 1, 40}, torch::kDouble);
  const auto coarse = ramp_filter(sinogram, 1.0), fine = ramp_filter(sinogram, 0.5);
  EXPECT_LT((fine - 2 * coarse).abs().max().item<double>(), 1e-12);
}

TEST(FilteredBackProjection, RecoversAttenuationOfAUniformRegionWithinOnePercent) {
  // A 360-view noiseless sinogram of an ellipse of 0.02/mm (water) in 0.8 mm pixels: the central region
  // of the FBP image reads 0.02/mm with every window.
  const auto g = square_geometry(128, 360, 0.8, 183, 0.8);
  const std::vector<Ellipsoid> ellipse = {{0.02, 0.8, 0.7, 0.9, 0.05, -0.05, 0, 0.3}};
  const auto sinogram = analytic_sinogram(ellipse, g);
  for (const auto w : {RampWindow::kRamLak, RampWindow::kSheppLogan, RampWindow::kCosine, RampWindow::kHann}) {
    const auto image = filtered_back_projection(sinogram, g, w);
    const auto centre = image[0].slice(0, 44, 84).slice(1, 44, 84);
    EXPECT_NEAR(centre.mean().item<double>(), 0.02, 0.0002) << to_string(w);
    EXPECT_LT((centre - 0.02).abs().max().item<double>(), 0.0002) << to_string(w);
    // Outside the ellipse the image is (nearly) zero.
    EXPECT_LT(image[0][2][2].abs().item<double>(), 0.0005) << to_string(w);
  }
}

TEST(FilteredBackProjection, IsIndependentOfDetectorSpacingAndDtype) {
  const std::vector<Ellipsoid> disk = {{0.01, 0.6, 0.6, 0.9, 0, 0, 0, 0}};
  auto g = square_geometry(64, 180, 1.0, 91, 1.0);
  const auto coarse = filtered_back_projection(analytic_sinogram(disk, g), g);
  g.detector_count = 181, g.detector_spacing = 0.5;
  const auto fine = filtered_back_projection(analytic_sinogram(disk, g).to(torch::kFloat), g);
  EXPECT_EQ(fine.scalar_type(), torch::kFloat);
  EXPECT_NEAR(coarse[0][32][32].item<double>(), 0.01, 1e-4);
  EXPECT_NEAR(fine[0][32][32].item<double>(), 0.01, 1e-4);
}

TEST(FilteredBackProjection, RejectsAWrongShape) {
  const auto g = square_geometry(16, 10, 1.0, 23, 1.0);
  EXPECT_THROW(filtered_back_projection(torch::zeros({1, 9, 23}), g), ShapeMismatch);
  EXPECT_THROW(filtered_back_projection(torch::zeros({1, 10, 23}, torch::kComplexFloat), g), ShapeMismatch);
}

TEST(AngularWeights, UniformViewsShareHalfATurn) {
  for (const double w : angular_weights(uniform_angles(8))) EXPECT_NEAR(w, M_PI / 8, 1e-12);
  // A full turn measures every direction twice: half the weight each.
  for (const double w : angular_weights(uniform_angles(16, 2 * M_PI))) EXPECT_NEAR(w, M_PI / 16, 1e-12);
}

TEST(AngularWeights, LimitedAngleDoesNotSpreadViewsOverTheMissingWedge) {
  std::vector<double> angles;
  for (int k = 0; k < 120; ++k) angles.push_back(k * M_PI / 180);
  const auto weights = angular_weights(angles);
  for (const double w : weights) EXPECT_NEAR(w, M_PI / 180, 1e-12);
  EXPECT_THROW(angular_weights({}), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
