#include "solvers/conjugate_gradient.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "operators/algebra.h"
#include "operators/dense_matrix.h"
#include "testing/operator_contract.h"

namespace diffrecon {
namespace {

using testing::random_tensor;
const torch::Device kCpu(torch::kCPU);

// A Hermitian positive definite n×n matrix MᴴM + 0.1 I.
torch::Tensor spd_matrix(int64_t n, torch::ScalarType dtype, uint64_t seed) {
  const auto m = random_tensor({n + 3, n}, dtype, kCpu, seed);
  return torch::mm(m.adjoint(), m) + 0.1 * torch::eye(n, torch::TensorOptions().dtype(dtype));
}

class CgAgainstDenseSolve : public ::testing::TestWithParam<torch::ScalarType> {};

TEST_P(CgAgainstDenseSolve, MatchesLinalgSolve) {
  const auto dtype = GetParam();
  for (const int64_t n : {5, 12, 20}) {
    const auto matrix = spd_matrix(n, dtype, 10 + n);
    const auto b = random_tensor({n}, dtype, kCpu, 20 + n);
    CgOptions options;
    options.max_iterations = 200;
    options.tolerance = 1e-12;
    const auto result = conjugate_gradient(*dense_matrix(matrix), b, {}, options);
    const auto expected = at::linalg_solve(matrix, b.unsqueeze(1)).squeeze(1);
    EXPECT_TRUE(result.converged) << "n = " << n;
    EXPECT_LE(result.relative_residual, 1e-12);
    EXPECT_LE(result.iterations, 3 * n);  // exact in n steps in exact arithmetic
    EXPECT_LT((result.x - expected).abs().max().item<double>(), 1e-8 * expected.abs().max().item<double>());
  }
}

INSTANTIATE_TEST_SUITE_P(RealAndComplex, CgAgainstDenseSolve, ::testing::Values(torch::kDouble, torch::kComplexDouble));

TEST(ConjugateGradient, WarmStartAtTheSolutionTakesNoIteration) {
  const auto matrix = spd_matrix(8, torch::kDouble, 1);
  const auto solution = random_tensor({8}, torch::kDouble, kCpu, 2);
  const auto b = torch::mv(matrix, solution);
  const auto result = conjugate_gradient(*dense_matrix(matrix), b, solution, {50, 1e-8, 0});
  EXPECT_EQ(result.iterations, 0);
  EXPECT_TRUE(result.converged);
}

TEST(ConjugateGradient, StopsAtIterationCapAndReportsResidual) {
  const auto matrix = spd_matrix(20, torch::kDouble, 3);
  const auto b = random_tensor({20}, torch::kDouble, kCpu, 4);
  const auto result = conjugate_gradient(*dense_matrix(matrix), b, {}, {3, 1e-14, 0});
  EXPECT_EQ(result.iterations, 3);
  EXPECT_FALSE(result.converged);
  const double true_residual =
      (b - torch::mv(matrix, result.x)).norm().item<double>() / b.norm().item<double>();
  EXPECT_NEAR(result.relative_residual, true_residual, 1e-8);
}

TEST(ConjugateGradient, OneIterationIsExactLineSearchSteepestDescent) {
  const auto matrix = spd_matrix(6, torch::kDouble, 5);
  const auto b = random_tensor({6}, torch::kDouble, kCpu, 6);
  const auto x0 = random_tensor({6}, torch::kDouble, kCpu, 7);
  const auto r = b - torch::mv(matrix, x0);
  const auto alpha = r.dot(r) / r.dot(torch::mv(matrix, r));
  const auto result = conjugate_gradient(*dense_matrix(matrix), b, x0, {1, 0.0, 0});
  EXPECT_TRUE(torch::allclose(result.x, x0 + alpha * r));
}

// Independent systems stacked along dim 0: a block-diagonal operator with a different matrix per block.
class BlockDiagonal final : public LinearOperator {
 public:
  explicit BlockDiagonal(torch::Tensor blocks)  // [B, n, n]
      : LinearOperator("blockdiag", {blocks.size(0), blocks.size(1)}, {blocks.size(0), blocks.size(1)}),
        blocks_(std::move(blocks)) {}

 protected:
  torch::Tensor apply_impl(const torch::Tensor& x) const override {
    return torch::bmm(blocks_.to(x.dtype()), x.unsqueeze(2)).squeeze(2);
  }
  torch::Tensor adjoint_impl(const torch::Tensor& y) const override {
    return torch::bmm(blocks_.to(y.dtype()).transpose(1, 2), y.unsqueeze(2)).squeeze(2);
  }

 private:
  torch::Tensor blocks_;
};

TEST(ConjugateGradient, BatchedSystemsMatchIndependentSolves) {
  // Block scales differ by 10⁴, so one global step size would be far from each block's optimum.
  std::vector<torch::Tensor> blocks;
  for (int k = 0; k < 4; ++k) blocks.push_back(spd_matrix(6, torch::kDouble, 30 + k) * std::pow(10.0, k));
  const auto stacked = torch::stack(blocks);
  const auto b = random_tensor({4, 6}, torch::kDouble, kCpu, 40);
  BlockDiagonal op(stacked);
  const auto batched = conjugate_gradient(op, b, {}, {6, 1e-12, 1});
  for (int k = 0; k < 4; ++k) {
    const auto single = conjugate_gradient(*dense_matrix(blocks[k]), b[k], {}, {6, 1e-12, 0});
    EXPECT_TRUE(torch::allclose(batched.x[k], single.x, 1e-9, 1e-12)) << "block " << k;
  }
  // The same 6 iterations with global inner products are not the per-block solves.
  const auto global = conjugate_gradient(op, b, {}, {6, 1e-12, 0});
  EXPECT_FALSE(torch::allclose(global.x, batched.x, 1e-6, 1e-9));
}

TEST(ConjugateGradient, FloatVolumeWithGlobalInnerProducts) {
  // (I + ρ DᴴD) x = b on a float32 volume, the shape of ADMM's x-update.
  const Shape shape{4, 5, 6};
  const auto op = sum(identity(shape), scale(0.5, identity(shape)));
  const auto b = random_tensor(shape, torch::kFloat, kCpu, 50);
  const auto result = conjugate_gradient(*op, b, {}, {10, 1e-6, 0});
  EXPECT_TRUE(result.converged);
  EXPECT_EQ(result.x.scalar_type(), torch::kFloat);
  EXPECT_TRUE(torch::allclose(result.x, b / 1.5, 1e-5, 1e-6));
}

TEST(ConjugateGradient, ZeroRightHandSideGivesZero) {
  const auto result = conjugate_gradient(*identity({3}), torch::zeros({3}, torch::kDouble));
  EXPECT_TRUE(result.converged);
  EXPECT_EQ(result.iterations, 0);
  EXPECT_EQ(result.x.abs().sum().item<double>(), 0.0);
}

TEST(ConjugateGradient, NanInputThrowsInsteadOfReportingConvergence) {
  auto b = torch::ones({3}, torch::kDouble);
  b[1] = std::nan("");
  EXPECT_THROW(conjugate_gradient(*identity({3}), b), Error);
}

TEST(ConjugateGradient, RejectsNonSquareOperatorAndBadOptions) {
  EXPECT_THROW(conjugate_gradient(*dense_matrix(torch::ones({3, 2}, torch::kDouble)), torch::ones({3}, torch::kDouble)),
               ShapeMismatch);
  EXPECT_THROW(conjugate_gradient(*identity({3}), torch::ones({3}, torch::kDouble), {}, {-1, 1e-6, 0}), InvalidArgument);
  EXPECT_THROW(conjugate_gradient(*identity({3}), torch::ones({3}, torch::kDouble), {}, {5, std::nan(""), 0}),
               InvalidArgument);
  EXPECT_THROW(conjugate_gradient(*identity({3}), torch::ones({3}, torch::kDouble), {}, {5, 1e-6, 2}), InvalidArgument);
  EXPECT_THROW(conjugate_gradient(*identity({3}), torch::ones({3}, torch::kDouble), torch::ones({3}, torch::kFloat)),
               ShapeMismatch);
}

}  // namespace
}  // namespace diffrecon
