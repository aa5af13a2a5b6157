#include "solvers/cgls.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "operators/dense_matrix.h"
#include "testing/operator_contract.h"

namespace diffrecon {
namespace {

using testing::random_tensor;

// The least-squares solution of an overdetermined system, through the normal equations in double.
torch::Tensor least_squares(const torch::Tensor& a, const torch::Tensor& y) {
  const auto ah = a.conj().transpose(0, 1);
  return torch::linalg_solve(ah.matmul(a), ah.matmul(y));
}

TEST(Cgls, ConvergesToTheLeastSquaresSolution) {
  for (const auto dtype : {torch::kDouble, torch::kComplexDouble}) {
    const auto a = random_tensor({30, 12}, dtype, torch::kCPU, 1);
    const auto y = random_tensor({30}, dtype, torch::kCPU, 2);
    CglsOptions options;
    options.max_iterations = 100;
    options.tolerance = 1e-12;
    const auto result = cgls(*dense_matrix(a), y, {}, options);
    EXPECT_TRUE(result.converged);
    EXPECT_LE(result.iterations, 14);  // n = 12 in exact arithmetic
    EXPECT_LT((result.x - least_squares(a, y)).abs().max().item<double>(), 1e-9);
  }
}

TEST(Cgls, StartsFromTheInitialGuessAndReportsEveryIteration) {
  const auto a = random_tensor({20, 8}, torch::kDouble, torch::kCPU, 3);
  const auto x_true = random_tensor({8}, torch::kDouble, torch::kCPU, 4);
  const auto y = a.matmul(x_true);
  int calls = 0;
  CglsOptions options;
  options.max_iterations = 3;
  options.tolerance = 0;
  options.on_iteration = [&](int done) { EXPECT_EQ(done, ++calls); };
  const auto result = cgls(*dense_matrix(a), y, x_true, options);
  // Starting at the solution there is nothing to do.
  EXPECT_EQ(result.iterations, 0);
  EXPECT_EQ(calls, 0);
  const auto from_zero = cgls(*dense_matrix(a), y, {}, options);
  EXPECT_EQ(from_zero.iterations, 3);
  EXPECT_EQ(calls, 3);
  EXPECT_FALSE(from_zero.converged);
  EXPECT_GT(from_zero.relative_normal_residual, 0);
}

TEST(Cgls, ThrowsOnNonFiniteData) {
  const auto a = random_tensor({6, 4}, torch::kDouble, torch::kCPU, 5);
  auto y = random_tensor({6}, torch::kDouble, torch::kCPU, 6);
  y[2] = std::nan("");
  EXPECT_THROW(cgls(*dense_matrix(a), y), Error);
  CglsOptions bad;
  bad.max_iterations = -1;
  EXPECT_THROW(cgls(*dense_matrix(a), torch::zeros({6}, torch::kDouble), {}, bad), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
