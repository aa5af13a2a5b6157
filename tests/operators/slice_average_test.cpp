#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "operators/slice_average.h"

namespace diffrecon {
namespace {

TEST(SliceAverage, MeasuresTheMeanOfEachGroupOfThinSlices) {
  // z-profile 0, 1, …, 6 with factor 3: groups {0,1,2}, {3,4,5} and the partial {6}.
  const auto x = torch::arange(7, torch::kDouble).reshape({7, 1, 1}).expand({7, 2, 3}).contiguous();
  const auto a = slice_average({7, 2, 3}, 3);
  EXPECT_EQ(a->range_shape(), (Shape{3, 2, 3}));
  const auto y = a->apply(x);
  EXPECT_TRUE(torch::allclose(y.select(1, 0).select(1, 0), torch::tensor({1.0, 4.0, 6.0}, torch::kDouble)));
}

TEST(SliceAverage, RepeatingEachThickSliceIsAPseudoInverse) {
  // A Aᴴ = diag(1/n_k), so A⁺ y = Aᴴ(n ⊙ y) repeats each thick slice and A A⁺ y = y, also with a
  // partial last group.
  const auto a = slice_average({10, 4}, 4);
  const auto y = torch::randn({3, 4}, torch::kDouble);
  const auto n = torch::tensor({4.0, 4.0, 2.0}, torch::kDouble).reshape({3, 1});
  const auto repeated = a->adjoint(y * n);
  EXPECT_TRUE(torch::allclose(repeated, y.repeat_interleave(4, 0).narrow(0, 0, 10)));
  EXPECT_TRUE(torch::allclose(a->apply(repeated), y));
}

TEST(SliceAverage, KeepsComplexValues) {
  const auto x = torch::randn({4, 3}, torch::kComplexDouble);
  const auto y = slice_average({4, 3}, 2)->apply(x);
  ASSERT_TRUE(y.is_complex());
  EXPECT_TRUE(torch::allclose(y, torch::stack({x.narrow(0, 0, 2).mean(0), x.narrow(0, 2, 2).mean(0)})));
}

TEST(SliceAverage, RejectsAFactorBelowOne) {
  EXPECT_THROW(slice_average({4, 3}, 0), InvalidArgument);
  EXPECT_THROW(slice_average({}, 2), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
