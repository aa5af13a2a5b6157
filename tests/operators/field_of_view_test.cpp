#include "operators/ct/field_of_view.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace diffrecon {
namespace {

ParallelBeamGeometry square_slice(int64_t n, int64_t bins, int views) {
  ParallelBeamGeometry g;
  for (int v = 0; v < views; ++v) g.angles.push_back(M_PI * v / views);
  g.detector_count = bins;
  g.nz = 1, g.ny = n, g.nx = n;
  return g;
}

TEST(FieldOfView, MatchesTheAnalyticDisc) {
  // 9 × 9 unit pixels, 9 unit bins: R = 4, centred on pixel (4, 4). Inside: the 49 lattice points with
  // i² + j² ≤ 16 (Gauss's circle problem, N(4) = 49).
  const auto mask = field_of_view_mask(square_slice(9, 9, 4));
  ASSERT_EQ(mask.sizes(), c10::IntArrayRef({9, 9}));
  EXPECT_EQ(mask.sum().item<double>(), 49.0);
  for (int64_t j = 0; j < 9; ++j)
    for (int64_t i = 0; i < 9; ++i)
      EXPECT_EQ(mask[j][i].item<float>(), (i - 4) * (i - 4) + (j - 4) * (j - 4) <= 16 ? 1.0f : 0.0f) << i << ", " << j;
  // Anisotropic pixels and a coarser detector: R = 3 · 2 mm = 6 mm; pixel (i, j) at ((i − 3.5)·1.5, (j − 2.5)·3).
  auto g = square_slice(8, 7, 4);
  g.ny = 6, g.pixel_spacing_x = 1.5, g.pixel_spacing_y = 3.0, g.detector_spacing = 2.0;
  const auto anisotropic = field_of_view_mask(g);
  for (int64_t j = 0; j < 6; ++j)
    for (int64_t i = 0; i < 8; ++i) {
      const double r2 = std::pow((i - 3.5) * 1.5, 2) + std::pow((j - 2.5) * 3.0, 2);
      EXPECT_EQ(anisotropic[j][i].item<float>(), r2 <= 36.0 ? 1.0f : 0.0f) << i << ", " << j;
    }
}

TEST(FieldOfView, InsideIsSeenByEveryViewAndOutsideIsNot) {
  // Project each pixel alone on the detector (15 bins, R = 7) and on a wide one (41 bins, same centre):
  // the fraction of its mass a view keeps is 1 well inside the disc, at least about half on its rim
  // (Joseph's footprint reaches one bin further), and 0 for some view well outside.
  const int64_t n = 16;
  const auto g = square_slice(n, 15, 24);
  auto wide = g;
  wide.detector_count = 41;
  const auto mask = field_of_view_mask(g);
  const auto a = parallel_beam_projector(g), a_wide = parallel_beam_projector(wide);
  const auto impulses = torch::eye(n * n, torch::kDouble).reshape({n * n, 1, n, n});
  for (int64_t p = 0; p < n * n; ++p) {
    const auto kept = a->apply(impulses[p]).sum(-1) / a_wide->apply(impulses[p]).sum(-1);  // [1, views]
    const double least = kept.min().item<double>();
    const int64_t i = p % n, j = p / n;
    const double r = std::hypot(i - 7.5, j - 7.5);
    if (mask[j][i].item<float>() == 1.0f) EXPECT_GT(least, 0.45) << i << ", " << j;
    if (r <= 6.0) EXPECT_NEAR(least, 1.0, 1e-9) << i << ", " << j;
    if (r > 8.5) EXPECT_EQ(least, 0.0) << i << ", " << j;
  }
}

TEST(FieldOfView, CoversTheWholeSliceWhenTheDetectorSpansTheDiagonal) {
  EXPECT_EQ(outside_field_of_view_fraction(square_slice(16, 25, 8)), 0.0);
  EXPECT_NEAR(outside_field_of_view_fraction(square_slice(64, 65, 8)), 1 - M_PI / 4, 0.02);
  EXPECT_THROW(field_of_view_mask(square_slice(8, 0, 8)), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
