#include "operators/finite_difference.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "solvers/power_iteration.h"

namespace diffrecon {
namespace {

TEST(FiniteDifference, CircularWrapsAroundLikeTheOfficialDz) {
  const auto x = torch::tensor({1.0, 4.0, 9.0, 16.0}, torch::kDouble);
  const auto op = finite_difference({4}, 0, Boundary::kCircular);
  EXPECT_TRUE(torch::equal(op->apply(x), torch::tensor({3.0, 5.0, 7.0, -15.0}, torch::kDouble)));
  // DzT v[k] = v[k−1] − v[k]
  EXPECT_TRUE(torch::equal(op->adjoint(x), torch::tensor({15.0, -3.0, -5.0, -7.0}, torch::kDouble)));
}

TEST(FiniteDifference, NeumannHasZeroFluxAtTheEnd) {
  const auto x = torch::tensor({1.0, 4.0, 9.0, 16.0}, torch::kDouble);
  const auto op = finite_difference({4}, 0, Boundary::kNeumann);
  EXPECT_TRUE(torch::equal(op->apply(x), torch::tensor({3.0, 5.0, 7.0, 0.0}, torch::kDouble)));
  EXPECT_TRUE(torch::equal(op->adjoint(x), torch::tensor({-1.0, -3.0, -5.0, 9.0}, torch::kDouble)));
}

TEST(FiniteDifference, AxesFollowZYXLayout) {
  const auto ramp_z = torch::arange(3, torch::kDouble).view({3, 1, 1}).expand({3, 4, 5}).contiguous();
  EXPECT_TRUE(torch::equal(finite_difference_z({3, 4, 5}, Boundary::kNeumann)->apply(ramp_z).select(0, 0),
                           torch::ones({4, 5}, torch::kDouble)));
  EXPECT_EQ(finite_difference_y({3, 4, 5})->apply(ramp_z).abs().sum().item<double>(), 0.0);
  EXPECT_EQ(finite_difference_x({3, 4, 5})->apply(ramp_z).abs().sum().item<double>(), 0.0);
  // Leading batch dimensions are allowed: z is always dim −3.
  EXPECT_EQ(finite_difference_z({2, 3, 4, 5})->domain_shape(), Shape({2, 3, 4, 5}));
}

TEST(FiniteDifference, ConstantsAreInTheNullSpace) {
  const auto ones = torch::ones({4, 5, 6}, torch::kDouble);
  for (const auto boundary : {Boundary::kCircular, Boundary::kNeumann})
    EXPECT_EQ(gradient_3d({4, 5, 6}, boundary)->apply(ones).abs().max().item<double>(), 0.0);
}

TEST(FiniteDifference, CircularNormIsTwoForEvenLength) {
  // Eigenvalues of the circulant DᴴD are 2 − 2cos(2πk/N); the largest is 4 at k = N/2.
  PowerIterationOptions options;
  options.dtype = torch::kDouble;
  options.max_iterations = 2000;
  options.tolerance = 1e-12;
  const auto result = operator_norm(*finite_difference({16}, 0), options);
  EXPECT_NEAR(result.norm, 2.0, 1e-4);
}

TEST(FiniteDifference, RejectsBadDimension) {
  EXPECT_THROW(finite_difference({3, 4}, 2), InvalidArgument);
  EXPECT_THROW(finite_difference({3, 4}, -3), InvalidArgument);
  EXPECT_THROW(finite_difference_z({4, 5}), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
