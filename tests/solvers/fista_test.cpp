#include "solvers/fista.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "operators/dense_matrix.h"
#include "solvers/proximal.h"
#include "testing/operator_contract.h"

namespace diffrecon {
namespace {

using testing::random_tensor;
const torch::Device kCpu(torch::kCPU);

ProximalMap l1_prox(double lambda) {
  return [lambda](const torch::Tensor& v, double t) { return soft_threshold(v, lambda * t); };
}

TEST(Fista, SolvesTheLassoWithADiagonalOperator) {
  // min ½‖diag(a) x − y‖² + λ‖x‖₁ separates: x_i = soft(a_i y_i, λ) / a_i².
  for (const auto dtype : {torch::kDouble, torch::kComplexDouble}) {
    const auto a = torch::linspace(0.3, 1.0, 40, torch::kDouble);
    const auto y = random_tensor({40}, dtype, kCpu, 3);
    const double lambda = 0.2;
    FistaOptions options;
    options.step = 1.0;  // ‖diag(a)‖² = 1
    options.max_iterations = 2000;
    options.tolerance = 1e-12;
    const auto result =
        fista(*dense_matrix(torch::diag(a).to(dtype), "diag"), y, l1_prox(lambda), {}, options);
    const auto expected = soft_threshold(a * y, lambda) / (a * a);
    EXPECT_LT((result.x - expected).abs().max().item<double>(), 1e-8) << c10::toString(dtype);
    EXPECT_TRUE(result.converged);
  }
}

TEST(Fista, StopsOnTheRelativeChange) {
  const auto a = dense_matrix(random_tensor({30, 20}, torch::kDouble, kCpu, 4), "A");
  const auto y = random_tensor({30}, torch::kDouble, kCpu, 5);
  FistaOptions options;
  options.step = 1.0 / 200;  // ‖A‖² of a 30 × 20 Gaussian matrix is about (√30 + √20)² ≈ 97
  options.max_iterations = 5000;
  options.tolerance = 1e-6;
  int reported = 0;
  options.on_iteration = [&](int k) { reported = k; };
  const auto result = fista(*a, y, l1_prox(0.5), {}, options);
  EXPECT_TRUE(result.converged);
  EXPECT_LT(result.iterations, options.max_iterations);
  EXPECT_EQ(reported, result.iterations);
  EXPECT_LE(result.relative_change, 1e-6);
  // Without a tolerance it runs every iteration.
  options.tolerance = 0;
  options.max_iterations = 7;
  EXPECT_EQ(fista(*a, y, l1_prox(0.5), {}, options).iterations, 7);
}

TEST(Fista, AveragedIteratesReachTheSameMinimiser) {
  const auto a = torch::linspace(0.3, 1.0, 40, torch::kDouble);
  const auto y = random_tensor({40}, torch::kDouble, kCpu, 6);
  FistaOptions options;
  options.max_iterations = 3000;
  options.tolerance = 1e-13;
  options.averaging = 0.8;
  const auto result = fista(*dense_matrix(torch::diag(a), "diag"), y, l1_prox(0.2), {}, options);
  EXPECT_LT((result.x - soft_threshold(a * y, 0.2) / (a * a)).abs().max().item<double>(), 1e-8);
  // The average lags the iterates: after few iterations it differs from the plain run.
  options.max_iterations = 5;
  options.tolerance = 0;
  const auto averaged = fista(*dense_matrix(torch::diag(a), "diag"), y, l1_prox(0.2), {}, options).x;
  options.averaging = 0;
  const auto plain = fista(*dense_matrix(torch::diag(a), "diag"), y, l1_prox(0.2), {}, options).x;
  EXPECT_GT((averaged - plain).abs().max().item<double>(), 1e-3);
}

TEST(Fista, RejectsBadOptions) {
  const auto a = dense_matrix(torch::eye(3, torch::kDouble), "I");
  const auto y = torch::ones({3}, torch::kDouble);
  FistaOptions options;
  options.step = 0;
  EXPECT_THROW(fista(*a, y, l1_prox(0.1), {}, options), InvalidArgument);
  options = {};
  options.max_iterations = 0;
  EXPECT_THROW(fista(*a, y, l1_prox(0.1), {}, options), InvalidArgument);
  options = {};
  options.tolerance = -1;
  EXPECT_THROW(fista(*a, y, l1_prox(0.1), {}, options), InvalidArgument);
  options = {};
  options.averaging = 1;
  EXPECT_THROW(fista(*a, y, l1_prox(0.1), {}, options), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
