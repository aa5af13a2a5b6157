#include "solvers/power_iteration.h"

#include <gtest/gtest.h>

#include "operators/algebra.h"
#include "operators/dense_matrix.h"
#include "testing/operator_contract.h"

namespace diffrecon {
namespace {

using testing::random_tensor;
const torch::Device kCpu(torch::kCPU);

TEST(PowerIteration, MatchesLargestSingularValue) {
  for (const auto dtype : {torch::kDouble, torch::kComplexDouble}) {
    const auto m = random_tensor({9, 6}, dtype, kCpu, 1);
    const double expected = at::linalg_svdvals(m).max().item<double>();
    PowerIterationOptions options;
    options.dtype = torch::kDouble;
    options.tolerance = 1e-12;
    options.max_iterations = 5000;
    const auto result = operator_norm(*dense_matrix(m), options);
    EXPECT_TRUE(result.converged);
    EXPECT_NEAR(result.norm, expected, 1e-5 * expected) << c10::toString(dtype);
  }
}

TEST(PowerIteration, ScaledOperatorScalesTheNorm) {
  const auto m = random_tensor({5, 5}, torch::kDouble, kCpu, 2);
  PowerIterationOptions options;
  options.dtype = torch::kDouble;
  options.tolerance = 1e-12;
  options.max_iterations = 5000;
  const double base = operator_norm(*dense_matrix(m), options).norm;
  EXPECT_NEAR(operator_norm(*scale(-3.0, dense_matrix(m)), options).norm, 3 * base, 1e-6 * base);
}

TEST(PowerIteration, ZeroOperatorHasNormZero) {
  const auto result = operator_norm(*dense_matrix(torch::zeros({3, 4}, torch::kDouble)));
  EXPECT_EQ(result.norm, 0.0);
  EXPECT_TRUE(result.converged);
}

TEST(PowerIteration, SameSeedSameEstimate) {
  const auto op = dense_matrix(random_tensor({7, 7}, torch::kDouble, kCpu, 3));
  PowerIterationOptions options;
  options.max_iterations = 5;
  EXPECT_EQ(operator_norm(*op, options).norm, operator_norm(*op, options).norm);
}

}  // namespace
}  // namespace diffrecon
