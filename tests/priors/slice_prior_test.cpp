#include "priors/slice_prior.h"

#include <c10/core/InferenceMode.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/autograd.h>

#include "core/error.h"
#include "priors/gaussian_denoiser.h"
#include "priors/tiny_unet.h"

namespace diffrecon {
namespace {

// A denoiser that records the image sizes it is called with and needs multiples of 4.
class RecordingDenoiser : public testing::GaussianDenoiser {
 public:
  RecordingDenoiser() : GaussianDenoiser(0.0, 1.0, 1, 4) {}
  torch::Tensor denoise(const torch::Tensor& x, const torch::Tensor& sigma) const override {
    shapes.push_back(x.sizes().vec());
    return GaussianDenoiser::denoise(x, sigma);
  }
  mutable std::vector<std::vector<int64_t>> shapes;
};

TEST(SlicePlane, SlicesAndBackAreTheIdentity) {
  const auto v = torch::rand({3, 4, 5});
  for (const auto plane : {SlicePlane::kAxial, SlicePlane::kCoronal, SlicePlane::kSagittal})
    EXPECT_TRUE(torch::equal(from_slices(to_slices(v, plane), plane), v)) << to_string(plane);
  EXPECT_EQ(to_slices(v, SlicePlane::kCoronal).sizes(), (std::vector<int64_t>{4, 3, 5}));
  EXPECT_EQ(to_slices(v, SlicePlane::kSagittal).sizes(), (std::vector<int64_t>{5, 3, 4}));
  EXPECT_EQ(parse_slice_plane("coronal"), SlicePlane::kCoronal);
  EXPECT_THROW(parse_slice_plane("oblique"), InvalidArgument);
  const auto image = torch::rand({2, 5, 7});
  const auto padded = fit_to_size(image, 8, 8);
  EXPECT_TRUE(torch::equal(padded.narrow(1, 1, 5).narrow(2, 0, 7), image));
  EXPECT_TRUE(torch::equal(fit_to_size(padded, 5, 7), image));
}

TEST(SlicePrior, DenoisesEverySliceAlongThePlaneInBatches) {
  // The Gaussian denoiser acts pixel by pixel (with mean 0: x / (1 + σ²)), so padding, batching and
  // the plane must not change the result.
  const auto volume = torch::rand({5, 6, 7});
  const double sigma = 0.5;
  for (const auto plane : {SlicePlane::kAxial, SlicePlane::kCoronal, SlicePlane::kSagittal}) {
    auto denoiser = std::make_shared<RecordingDenoiser>();
    SlicePriorOptions options;
    options.plane = plane;
    options.image_size = 8;
    options.max_batch = 2;
    const SlicePrior prior(denoiser, options);
    const auto out = prior.denoise(volume, sigma);
    EXPECT_LT((out - volume / (1 + sigma * sigma)).abs().max().item<double>(), 1e-6) << to_string(plane);
    EXPECT_FALSE(out.requires_grad());
    const int64_t slices = to_slices(volume, plane).size(0);
    EXPECT_EQ(static_cast<int64_t>(denoiser->shapes.size()), (slices + 1) / 2);
    for (const auto& shape : denoiser->shapes) {
      EXPECT_LE(shape[0], 2);
      EXPECT_EQ(shape[2], 8);  // padded to the model's image size (a multiple of 4)
      EXPECT_EQ(shape[3], 8);
    }
  }
}

TEST(SlicePrior, NormalisesAndKeepsGradientsWhenAsked) {
  auto denoiser = std::make_shared<testing::GaussianDenoiser>(0.0, 1.0);
  SlicePriorOptions options;
  options.image_size = 4;
  options.normalize_percentile = 100;  // divide by the maximum
  const SlicePrior prior(denoiser, options);
  const auto volume = (torch::rand({2, 4, 4}) * 10).requires_grad_();
  // In model units: x/c shrunk at σ/c, then times c: x / (1 + σ²/c²).
  const double sigma = 2.0, c = volume.max().item<double>();
  const auto out = prior.denoise(volume, sigma);
  EXPECT_TRUE(out.requires_grad());
  EXPECT_LT((out - volume / (1 + sigma * sigma / (c * c))).abs().max().item<double>(), 1e-4);
  out.sum().backward();
  EXPECT_TRUE(volume.grad().defined());
}

TEST(SlicePrior, FeedsComplexVolumesAsTwoChannels) {
  auto denoiser = std::make_shared<testing::GaussianDenoiser>(0.0, 1.0, 2);
  const SlicePrior prior(denoiser, {});
  const auto volume = torch::randn({2, 3, 3}, torch::kComplexFloat);
  const auto out = prior.denoise(volume, 1.0);
  EXPECT_EQ(out.scalar_type(), torch::kComplexFloat);
  EXPECT_LT((out - volume / 2).abs().max().item<double>(), 1e-6);
  const SlicePrior real_prior(std::make_shared<testing::GaussianDenoiser>(0.0, 1.0), {});
  EXPECT_THROW(real_prior.denoise(volume, 1.0), ShapeMismatch);
  EXPECT_THROW(real_prior.denoise(torch::rand({3, 3}), 1.0), ShapeMismatch);
}

TEST(SlicePrior, SizesBatchesToTheMemoryBudget) {
  SlicePriorOptions options;
  options.memory_budget_mb = 64;
  const SlicePrior prior(std::make_shared<testing::GaussianDenoiser>(0.0, 1.0), options);
  const int64_t small = prior.batch_size(64, 64), large = prior.batch_size(256, 256);
  EXPECT_GE(small, 1);
  EXPECT_EQ(large, std::max<int64_t>(1, small / 16));
  options.max_batch = 1;
  EXPECT_EQ(SlicePrior(std::make_shared<testing::GaussianDenoiser>(0.0, 1.0), options).batch_size(64, 64), 1);
}

TEST(SlicePrior, AutomaticBudgetIs2GiBOnTheCpu) {
  SlicePriorOptions options;
  options.memory_budget_mb = 0;
  const SlicePrior automatic(std::make_shared<testing::GaussianDenoiser>(0.0, 1.0), options);
  options.memory_budget_mb = 2048;
  const SlicePrior explicit_budget(std::make_shared<testing::GaussianDenoiser>(0.0, 1.0), options);
  EXPECT_EQ(automatic.batch_size(128, 128), explicit_budget.batch_size(128, 128));
  options.memory_budget_mb = -1;
  EXPECT_THROW(SlicePrior(std::make_shared<testing::GaussianDenoiser>(0.0, 1.0), options), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon

namespace diffrecon {
namespace {

// Jᵀv by autograd through the whole volume at once, the reference for the batched denoise_vjp.
torch::Tensor whole_volume_vjp(const SlicePrior& prior, const torch::Tensor& x, double sigma, const torch::Tensor& v) {
  const auto leaf = x.clone().requires_grad_(true);
  const auto out = prior.denoise(leaf, sigma);
  return torch::autograd::grad({out}, {leaf}, {v})[0];
}

TEST(SlicePriorVjp, EqualsAutogradThroughTheWholeVolumeBatchByBatch) {
  torch::manual_seed(1);
  SlicePriorOptions options;
  options.image_size = 8;
  options.max_batch = 2;  // VJP batches of one slice
  for (const auto plane : {SlicePlane::kAxial, SlicePlane::kCoronal}) {
    options.plane = plane;
    const SlicePrior prior(testing::random_tiny_denoiser(), options);
    const auto x = torch::randn({5, 8, 6}), v = torch::randn({5, 8, 6});
    const auto expected = whole_volume_vjp(prior, x, 0.3, v);
    EXPECT_TRUE(torch::allclose(prior.denoise_vjp(x, 0.3, v), expected, 1e-4, 1e-5)) << to_string(plane);
    c10::InferenceMode inference;  // as the samplers call it
    const auto inference_x = x.clone(), inference_v = v.clone();
    EXPECT_TRUE(torch::allclose(prior.denoise_vjp(inference_x, 0.3, inference_v), expected, 1e-4, 1e-5));
  }
}

TEST(SlicePriorVjp, HandlesComplexVolumesAndRejectsAWrongCotangent) {
  torch::manual_seed(2);
  SlicePriorOptions options;
  options.image_size = 8;
  const SlicePrior prior(testing::random_tiny_denoiser(2), options);
  const auto x = torch::randn({3, 8, 8}, torch::kComplexFloat), v = torch::randn({3, 8, 8}, torch::kComplexFloat);
  EXPECT_TRUE(torch::allclose(prior.denoise_vjp(x, 0.5, v), whole_volume_vjp(prior, x, 0.5, v), 1e-4, 1e-5));
  EXPECT_THROW(prior.denoise_vjp(x, 0.5, v.narrow(0, 0, 2)), ShapeMismatch);
}

}  // namespace
}  // namespace diffrecon
