#include "core/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/statistics.h"

namespace diffrecon {
namespace {

TEST(Metrics, PsnrAndNmseMatchHandComputedValues) {
  const auto reference = torch::tensor({0.0, 1.0, 2.0, 4.0}, torch::kDouble);
  const auto estimate = torch::tensor({0.0, 1.0, 2.0, 3.0}, torch::kDouble);
  // range 4, MSE 1/4: 10 log10(16 / 0.25)
  EXPECT_NEAR(psnr(reference, estimate), 10 * std::log10(64.0), 1e-12);
  // fastMRI: range = max = 4 as well here; shift the reference to tell them apart
  EXPECT_NEAR(psnr_fastmri(reference + 1, estimate + 1), 10 * std::log10(25.0 / 0.25), 1e-12);
  EXPECT_NEAR(psnr(reference + 1, estimate + 1), 10 * std::log10(64.0), 1e-12);
  // ‖e‖² / ‖ref‖² = 1 / 21
  EXPECT_NEAR(nmse(reference, estimate), 1.0 / 21.0, 1e-15);
  EXPECT_TRUE(std::isinf(psnr(reference, reference)));
  EXPECT_EQ(nmse(reference, reference), 0.0);
}

TEST(Metrics, ComplexInputsAreComparedByMagnitude) {
  const auto a = torch::tensor({c10::complex<float>(3, 4), c10::complex<float>(0, 1)});
  const auto b = torch::tensor({5.0f, 1.0f});
  EXPECT_EQ(nmse(a, b), 0.0);
}

TEST(Metrics, RejectBadInput) {
  EXPECT_THROW(psnr(torch::ones({3}), torch::ones({3})), InvalidArgument);
  EXPECT_THROW(psnr(torch::ones({3}), torch::ones({4})), ShapeMismatch);
  EXPECT_THROW(nmse(torch::zeros({3}), torch::ones({3})), InvalidArgument);
  EXPECT_THROW(ssim_2d(torch::rand({5, 5}), torch::rand({5, 5})), InvalidArgument);  // smaller than the window
  EXPECT_THROW(ssim_3d(torch::rand({8, 8}), torch::rand({8, 8})), ShapeMismatch);
}

TEST(Metrics, SsimOfConstantImagesHasClosedForm) {
  // Zero variances: SSIM = (2ab + C1) / (a² + b² + C1), C1 = (0.01 R)².
  const double a = 0.3, b = 0.5, range = 1.0, c1 = 1e-4;
  const auto x = torch::full({9, 9}, a, torch::kDouble), y = torch::full({9, 9}, b, torch::kDouble);
  EXPECT_NEAR(ssim_2d(x, y, range), (2 * a * b + c1) / (a * a + b * b + c1), 1e-12);
  EXPECT_NEAR(ssim_3d(torch::full({7, 7, 7}, a, torch::kDouble), torch::full({7, 7, 7}, b, torch::kDouble), range),
              (2 * a * b + c1) / (a * a + b * b + c1), 1e-12);
}

// SSIM of one window written out from the definition, with sample (N − 1) statistics.
double ssim_one_window(const torch::Tensor& x, const torch::Tensor& y, double range) {
  const auto xf = x.flatten(), yf = y.flatten();
  const double n = static_cast<double>(xf.numel());
  double mx = 0, my = 0;
  for (int64_t i = 0; i < xf.numel(); ++i) mx += xf[i].item<double>() / n, my += yf[i].item<double>() / n;
  double vx = 0, vy = 0, cxy = 0;
  for (int64_t i = 0; i < xf.numel(); ++i) {
    const double dx = xf[i].item<double>() - mx, dy = yf[i].item<double>() - my;
    vx += dx * dx / (n - 1), vy += dy * dy / (n - 1), cxy += dx * dy / (n - 1);
  }
  const double c1 = std::pow(0.01 * range, 2), c2 = std::pow(0.03 * range, 2);
  return (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
}

TEST(Metrics, SsimOfOneWindowMatchesTheDefinition) {
  torch::manual_seed(3);
  const auto x = torch::rand({7, 7}, torch::kDouble);
  const auto y = 0.7 * x + 0.2 * torch::rand({7, 7}, torch::kDouble);
  EXPECT_NEAR(ssim_2d(x, y, 1.0), ssim_one_window(x, y, 1.0), 1e-12);
  const auto v = torch::rand({7, 7, 7}, torch::kDouble), w = v.flip(0);
  EXPECT_NEAR(ssim_3d(v, w, 1.0), ssim_one_window(v, w, 1.0), 1e-12);
  EXPECT_NEAR(ssim_2d(x, x), 1.0, 1e-12);
}

TEST(Metrics, PlaneMetricsAverageSlices) {
  // Only axial slice 2 differs, by a constant 0.1 over its 8×8 pixels.
  torch::manual_seed(4);
  const auto reference = torch::rand({8, 8, 8}, torch::kDouble);
  auto estimate = reference.clone();
  estimate[2] += 0.1;
  const double range = (reference.max() - reference.min()).item<double>();
  const auto axial = plane_metrics(reference, estimate, Plane::kAxial);
  EXPECT_NEAR(axial.psnr, 10 * std::log10(range * range / 0.01), 1e-9);  // the only inexact slice
  const double slice_nmse = 64 * 0.01 / reference[2].pow(2).sum().item<double>();
  EXPECT_NEAR(axial.nmse, slice_nmse / 8, 1e-12);
  // Every coronal and sagittal slice contains one changed row of 8 pixels out of 64.
  for (const Plane plane : {Plane::kCoronal, Plane::kSagittal}) {
    const auto m = plane_metrics(reference, estimate, plane);
    EXPECT_NEAR(m.psnr, 10 * std::log10(range * range / (8 * 0.01 / 64)), 1e-9) << to_string(plane);
    EXPECT_LT(m.ssim, 1.0);
  }
  EXPECT_GT(axial.ssim, plane_metrics(reference, estimate, Plane::kCoronal).ssim);  // 7 of 8 slices exact
  EXPECT_THROW(plane_metrics(torch::rand({5, 8, 8}), torch::rand({5, 8, 8}), Plane::kCoronal),
               InvalidArgument);  // 5 rows < the 7-pixel window
}

}  // namespace
}  // namespace diffrecon


namespace diffrecon {
namespace {

TEST(Percentile, PicksTheElementOfRankFloorOfPTimesNMinusOne) {
  const auto values = torch::tensor({5.0, 1.0, 4.0, 2.0, 3.0});  // sorted 1 2 3 4 5
  EXPECT_EQ(percentile(values, 0), 1.0);
  EXPECT_EQ(percentile(values, 100), 5.0);
  EXPECT_EQ(percentile(values, 50), 3.0);
  EXPECT_EQ(percentile(values, 99.5), 4.0);  // rank ⌊0.995 · 4⌋ = 3
  EXPECT_EQ(percentile(values.view({5, 1}), 74.9), 3.0);  // rank ⌊2.996⌋ = 2
  EXPECT_THROW(percentile(torch::empty({0}), 50), InvalidArgument);
  EXPECT_THROW(percentile(values, 101), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
