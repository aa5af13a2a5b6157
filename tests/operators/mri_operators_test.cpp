#include <ATen/ops/fft_fftn.h>
#include <ATen/ops/fft_fftshift.h>
#include <ATen/ops/fft_ifftshift.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/threading.h"
#include "operators/mri/centred_fft.h"
#include "operators/mri/sense.h"
#include "testing/operator_contract.h"
#include "testing/scratch_directory.h"

namespace diffrecon {
namespace {

using testing::random_tensor;

// fftshift(fftn(ifftshift(x), norm = "ortho")) over the last `dims` dimensions, by LibTorch.
torch::Tensor reference_fft(const torch::Tensor& x, int dims) {
  std::vector<int64_t> d;
  for (int k = dims; k >= 1; --k) d.push_back(-k);
  return at::fft_fftshift(at::fft_fftn(at::fft_ifftshift(x, d), c10::nullopt, d, "ortho"), d);
}

TEST(CentredFft, MatchesTheShiftedOrthonormalDftForEvenAndOddSizes) {
  for (const auto& shape : std::vector<Shape>{{2, 8, 6}, {3, 5, 7}, {4, 6, 9}, {2, 3, 4, 6}})
    for (const int dims : {1, 2, 3})
      for (const auto dtype : {torch::kComplexFloat, torch::kComplexDouble}) {
        const auto x = random_tensor(shape, dtype, torch::kCPU, 1);
        const double tolerance = dtype == torch::kComplexFloat ? 1e-5 : 1e-12;
        const auto expected = reference_fft(x, dims);
        EXPECT_LT((centred_fft(x, dims) - expected).abs().max().item<double>(), tolerance)
            << to_string(shape) << " dims " << dims;
        EXPECT_LT((centred_ifft(expected, dims) - x).abs().max().item<double>(), tolerance)
            << to_string(shape) << " dims " << dims;
        EXPECT_EQ(centred_fft(x, dims).scalar_type(), dtype);
      }
}

TEST(CentredFft, PutsDcAtTheCentreAndIsUnitary) {
  const auto ones = torch::ones({6, 8}, torch::kComplexDouble);
  const auto k = centred_fft(ones, 2);
  EXPECT_NEAR(torch::real(k[3][4]).item<double>(), std::sqrt(48.0), 1e-12);
  EXPECT_NEAR(k.abs().sum().item<double>(), std::sqrt(48.0), 1e-9);
  const auto x = random_tensor({3, 16, 10}, torch::kComplexDouble, torch::kCPU, 2);
  EXPECT_NEAR(centred_fft(x, 3).norm().item<double>(), x.norm().item<double>(), 1e-9);
}

TEST(CentredFft, GivesTheSameResultOnOneOrManyThreadsAndLeavesTheInputAlone) {
  const auto x = random_tensor({5, 32, 32}, torch::kComplexFloat, torch::kCPU, 3);
  const auto copy = x.clone();
  set_thread_count(1);
  const auto one = centred_fft(x, 2);
  set_thread_count(2);
  const auto two = centred_fft(x, 2);
  set_thread_count(0);
  EXPECT_TRUE(torch::equal(one, two));
  EXPECT_TRUE(torch::equal(x, copy));
  // A non-contiguous input.
  const auto transposed = x.transpose(1, 2);
  EXPECT_LT((centred_fft(transposed, 2) - reference_fft(transposed, 2)).abs().max().item<double>(), 1e-5);
}

TEST(CentredFft, RejectsRealTensorsAndBadDimensionCounts) {
  EXPECT_THROW(centred_fft(torch::ones({4, 4}), 2), InvalidArgument);
  EXPECT_THROW(centred_fft(torch::ones({4, 4}, torch::kComplexFloat), 4), InvalidArgument);
  EXPECT_THROW(centred_fft(torch::ones({4}, torch::kComplexFloat), 2), InvalidArgument);
  EXPECT_THROW(fourier_operator({4, 4}, 0), InvalidArgument);
}

class FftwWisdom : public testing::ScratchDirectoryTest {};

TEST_F(FftwWisdom, RoundTripsAndRejectsForeignFiles) {
  const auto path = (dir_ / "wisdom.txt").string();
  EXPECT_FALSE(import_fftw_wisdom(path));
  centred_fft(torch::ones({12, 10}, torch::kComplexFloat), 2);
  export_fftw_wisdom(path);
  EXPECT_TRUE(import_fftw_wisdom(path));
  std::ofstream(dir_ / "foreign.txt") << "not wisdom";
  EXPECT_THROW(import_fftw_wisdom((dir_ / "foreign.txt").string()), IoError);
}

TEST(Sense, OrthonormalCoilsAndFullSamplingGiveTheIdentityNormal) {
  // S_c = u_c with Σ|u_c|² = 1 everywhere: AᴴA = I.
  const auto raw = random_tensor({4, 2, 6, 8}, torch::kComplexDouble, torch::kCPU, 4);
  const auto maps = raw / (raw.abs().pow(2).sum(0, true)).sqrt();
  for (const int dims : {2, 3}) {
    const auto a = sense_operator(maps, torch::ones({6, 8}), dims);
    const auto x = random_tensor({2, 6, 8}, torch::kComplexDouble, torch::kCPU, 5);
    EXPECT_LT((a->normal(x) - x).abs().max().item<double>(), 1e-10) << dims;
    EXPECT_EQ(a->range_shape(), (Shape{4, 2, 6, 8}));
  }
}

TEST(Sense, SliceWiseTransformIsTheTwoDimensionalFftOfEachCoilImage) {
  const auto maps = random_tensor({2, 3, 6, 8}, torch::kComplexFloat, torch::kCPU, 6);
  const auto mask = (random_tensor({1, 8}, torch::kFloat, torch::kCPU, 7) > 0).to(torch::kFloat);
  const auto x = random_tensor({3, 6, 8}, torch::kComplexFloat, torch::kCPU, 8);
  const auto y = sense_operator(maps, mask, 2)->apply(x);
  const auto expected = reference_fft(maps * x, 2) * mask;
  EXPECT_LT((y - expected).abs().max().item<double>(), 1e-5);
  // Unsampled lines are exactly zero; the 3D operator differs.
  EXPECT_EQ((y * (1 - mask)).abs().max().item<double>(), 0.0);
  EXPECT_GT((sense_operator(maps, mask, 3)->apply(x) - y).abs().max().item<double>(), 1e-3);
}

TEST(Sense, SingleCoilIsSenseWithUnitMaps) {
  const auto mask = (random_tensor({6, 8}, torch::kFloat, torch::kCPU, 9) > 0).to(torch::kFloat);
  const auto x = random_tensor({2, 6, 8}, torch::kComplexFloat, torch::kCPU, 10);
  const auto single = single_coil_operator({2, 6, 8}, mask, 2)->apply(x);
  const auto sense = sense_operator(torch::ones({1, 2, 6, 8}, torch::kComplexFloat), mask, 2)->apply(x);
  EXPECT_LT((single - sense).abs().max().item<double>(), 1e-6);
}

TEST(Sense, RejectsInconsistentMapsMasksAndDimensions) {
  const auto maps = torch::ones({2, 3, 6, 8}, torch::kComplexFloat);
  EXPECT_THROW(sense_operator(maps, torch::ones({5, 8}), 2), ShapeMismatch);
  EXPECT_THROW(sense_operator(maps, torch::ones({8}), 2), InvalidArgument);
  EXPECT_THROW(sense_operator(maps, torch::ones({6, 8}, torch::kComplexFloat), 2), InvalidArgument);
  EXPECT_THROW(sense_operator(maps, torch::ones({6, 8}), 1), InvalidArgument);
  EXPECT_THROW(sense_operator(torch::ones({3, 6, 8}, torch::kComplexFloat), torch::ones({6, 8}), 2), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
