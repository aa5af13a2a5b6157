#include "priors/training_data.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include "core/error.h"

namespace diffrecon {
namespace {

TEST(Augment, KeepsShapeAndRangeAndIsDeterministic) {
  const auto images = torch::rand({3, 1, 32, 32});
  at::Generator g1 = at::detail::createCPUGenerator(4), g2 = at::detail::createCPUGenerator(4);
  const auto a = augment(images, g1, {}), b = augment(images, g2, {});
  EXPECT_EQ(a.sizes(), images.sizes());
  EXPECT_TRUE(torch::equal(a, b));
  EXPECT_GE(a.min().item<double>(), 0.0);
  EXPECT_LE(a.max().item<double>(), 1.0);
  EXPECT_FALSE(torch::allclose(a, images));
}

TEST(Augment, WithEverythingOffIsTheIdentity) {
  const auto images = torch::rand({2, 1, 16, 16});
  at::Generator g = at::detail::createCPUGenerator(1);
  const AugmentationOptions off{false, 0, 0, 0, 0, 0, 5, 0, 0, 4};
  EXPECT_LT((augment(images, g, off) - images).abs().max().item<double>(), 1e-5);
}

TEST(SliceDataset, TakesSlicesAlongThePlaneAndSkipsEmptyOnes) {
  auto volume = torch::zeros({4, 6, 8});  // [Z, Y, X]
  volume[1].fill_(0.5);
  volume[2].fill_(0.8);
  const SliceDataset axial({volume}, SlicePlane::kAxial, 8);
  EXPECT_EQ(axial.count(), 2);  // z = 0 and 3 are background
  EXPECT_EQ(axial.slices().sizes(), (std::vector<int64_t>{2, 1, 8, 8}));
  const SliceDataset coronal({volume}, SlicePlane::kCoronal, 8);
  EXPECT_EQ(coronal.count(), 6);
  at::Generator g = at::detail::createCPUGenerator(2);
  EXPECT_EQ(axial.batch(5, 4, {}, g).sizes(), (std::vector<int64_t>{5, 1, 4, 4}));
  EXPECT_THROW(SliceDataset({torch::zeros({2, 4, 4})}, SlicePlane::kAxial, 4), InvalidArgument);
}

TEST(EllipseImages, LieInTheUnitRangeWithContent) {
  at::Generator g = at::detail::createCPUGenerator(3);
  const auto images = ellipse_images(4, 32, g);
  EXPECT_EQ(images.sizes(), (std::vector<int64_t>{4, 1, 32, 32}));
  EXPECT_GE(images.min().item<double>(), 0.0);
  EXPECT_LE(images.max().item<double>(), 1.0);
  EXPECT_GT(images.mean().item<double>(), 0.1);
  EXPECT_EQ(images[0][0][0][0].item<double>(), 0.0);  // the corner is outside the head
}

}  // namespace
}  // namespace diffrecon
