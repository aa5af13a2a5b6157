#include "operators/daubechies_wavelet.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"

namespace diffrecon {
namespace {

TEST(DaubechiesWavelet, ReconstructsPerfectlyForEveryOrderAndShape) {
  // Shapes with equal levels on both axes, fewer on one, and an odd axis (left untransformed).
  for (const Shape& shape : {Shape{3, 32, 32}, Shape{2, 48, 20}, Shape{2, 24, 7}}) {
    for (int p = 1; p <= 4; ++p) {
      const auto w = daubechies_wavelet(shape, p, 4);
      const auto x = torch::randn(shape, torch::kComplexDouble);
      const auto c = w->apply(x);
      EXPECT_LT((w->adjoint(c) - x).abs().max().item<double>(), 1e-12)
          << "p " << p << " " << to_string(shape);
      EXPECT_LT((w->apply(w->adjoint(x)) - x).abs().max().item<double>(), 1e-12) << "p " << p;
      // Orthogonal: the energy is kept, and the transform is not the identity.
      EXPECT_NEAR(c.norm().item<double>(), x.norm().item<double>(), 1e-10 * x.norm().item<double>());
      EXPECT_GT((c - x).abs().max().item<double>(), 0.1);
    }
  }
}

TEST(DaubechiesWavelet, PutsAConstantImageIntoTheCoarseBlock) {
  // Σ h = √2 and Σ g = 0: each level along an axis multiplies a constant by √2 and leaves no detail.
  // 32 × 32 with min_size 16: two levels on each axis, coarse block 8 × 8 holding 1 · (√2)⁴ = 4.
  for (int p = 1; p <= 4; ++p) {
    const auto c = daubechies_wavelet({1, 32, 32}, p, 16)->apply(torch::ones({1, 32, 32}, torch::kDouble));
    const auto coarse = c.narrow(1, 0, 8).narrow(2, 0, 8);
    EXPECT_LT((coarse - 4).abs().max().item<double>(), 1e-12) << "p " << p;
    EXPECT_LT(c.abs().sum().item<double>() - coarse.abs().sum().item<double>(), 1e-10) << "p " << p;
  }
}

TEST(DaubechiesWavelet, HasPVanishingMoments) {
  // A polynomial of degree < p along x (periodic only away from the wrap) has no finest-level detail
  // except in the coefficients whose filter support crosses the wrap-around.
  const int64_t n = 64;
  for (int p = 2; p <= 4; ++p) {
    const auto x = torch::arange(n, torch::kDouble).pow(p - 1).view({1, 1, n}).expand({1, 4, n}).contiguous();
    const auto detail = daubechies_wavelet({1, 4, n}, p, n)->apply(x).narrow(2, n / 2, n / 2);
    const auto interior = detail.narrow(2, 0, n / 2 - p);
    EXPECT_LT(interior.abs().max().item<double>(), 1e-7 * std::pow(n, p - 1)) << "p " << p;
    EXPECT_GT(detail.abs().max().item<double>(), 1.0) << "p " << p;  // the wrap-around is seen
  }
}

TEST(DaubechiesWavelet, CountsLevelsByBartsMinimumSizeRule) {
  EXPECT_EQ(wavelet_levels(128, 16), 4);  // 128 → 64 → 32 → 16 → 8
  EXPECT_EQ(wavelet_levels(368, 16), 4);  // … → 23, odd
  EXPECT_EQ(wavelet_levels(15, 4), 0);
  EXPECT_EQ(wavelet_levels(8, 16), 0);
}

TEST(DaubechiesWavelet, RejectsBadOrdersAndShapes) {
  EXPECT_THROW(daubechies_wavelet({4, 8, 8}, 0), InvalidArgument);
  EXPECT_THROW(daubechies_wavelet({4, 8, 8}, 5), InvalidArgument);
  EXPECT_THROW(daubechies_wavelet({8}, 2), InvalidArgument);
  EXPECT_THROW(daubechies_wavelet({4, 8, 8}, 2, 1), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
