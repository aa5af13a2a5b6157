#include "solvers/admm.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "operators/algebra.h"
#include "operators/dense_matrix.h"
#include "operators/finite_difference.h"
#include "solvers/proximal.h"
#include "testing/operator_contract.h"

namespace diffrecon {
namespace {

using testing::random_tensor;
const torch::Device kCpu(torch::kCPU);

AdmmOptions options_with(double lambda, double rho, int iterations, int cg_iterations = 50) {
  AdmmOptions options;
  options.lambda = lambda;
  options.rho = rho;
  options.iterations = iterations;
  options.cg = {cg_iterations, 1e-12, 0};
  return options;
}

TEST(AdmmL1, SoftThresholdingIsTheMinimiserWhenAAndDAreIdentity) {
  // min ½‖x − y‖² + λ‖x‖₁  has the closed form  x = soft_threshold(y, λ).
  for (const auto dtype : {torch::kDouble, torch::kComplexDouble}) {
    const auto y = random_tensor({50}, dtype, kCpu, 1);
    AdmmL1Solver solver(identity({50}), identity({50}), options_with(0.7, 1.0, 300));
    const auto x = solver.solve(y).x;
    EXPECT_LT((x - soft_threshold(y, 0.7)).abs().max().item<double>(), 1e-6) << c10::toString(dtype);
  }
}

TEST(AdmmL1, TotalVariationOfAStepMovesEachPlateauByLambdaOverItsLength) {
  // 1D TV denoising of a two-level step (Neumann differences): the minimiser keeps the jump and moves
  // the plateaus towards each other, c₁ = a + λ/n₁, c₂ = b − λ/n₂ (while c₁ < c₂).
  const int64_t n1 = 12, n2 = 20;
  const double a = 0.2, b = 1.0, lambda = 0.9;
  const auto y = torch::cat({torch::full({n1}, a, torch::kDouble), torch::full({n2}, b, torch::kDouble)});
  AdmmL1Solver solver(identity({n1 + n2}), finite_difference({n1 + n2}, 0, Boundary::kNeumann),
                      options_with(lambda, 2.0, 2000));
  const auto x = solver.solve(y).x;
  const auto expected = torch::cat({torch::full({n1}, a + lambda / n1, torch::kDouble),
                                    torch::full({n2}, b - lambda / n2, torch::kDouble)});
  EXPECT_LT((x - expected).abs().max().item<double>(), 1e-5);
}

// Reference lasso solution by ISTA with many iterations (an independent algorithm).
torch::Tensor lasso_by_ista(const torch::Tensor& m, const torch::Tensor& y, double lambda) {
  const double step = 1.0 / std::pow(at::linalg_matrix_norm(m, 2).item<double>(), 2);
  auto x = torch::zeros({m.size(1)}, m.options());
  for (int k = 0; k < 50000; ++k) x = soft_threshold(x - step * torch::mv(m.t(), torch::mv(m, x) - y), step * lambda);
  return x;
}

TEST(AdmmL1, MatchesIstaOnARandomLasso) {
  const auto m = random_tensor({12, 8}, torch::kDouble, kCpu, 2);
  const auto y = random_tensor({12}, torch::kDouble, kCpu, 3);
  const double lambda = 1.5;
  AdmmL1Solver solver(dense_matrix(m), identity({8}), options_with(lambda, 1.0, 1000));
  const auto x = solver.solve(y).x;
  const auto reference = lasso_by_ista(m, y, lambda);
  EXPECT_LT((x - reference).abs().max().item<double>(), 1e-6);
  EXPECT_LE(solver.objective(x, y), solver.objective(reference, y) + 1e-9);
  EXPECT_GT((reference == 0).sum().item<int64_t>(), 0) << "lambda should make the reference sparse";
}

TEST(AdmmL1, StepWithPersistentStateEqualsSolve) {
  // What a diffusion sampler does: one ADMM iteration per step, (z, u) kept between steps.
  const Shape shape{3, 4, 5};
  const auto a = compose(scale(0.5, identity(shape)), identity(shape));
  const auto d = gradient_3d(shape);
  const auto y = random_tensor(shape, torch::kFloat, kCpu, 4);
  AdmmL1Solver solver(a, d, options_with(0.04, 10.0, 7, 1));
  AdmmState state;
  auto x = a->adjoint(y);
  const auto aty = a->adjoint(y);
  for (int k = 0; k < 7; ++k) x = solver.step(x, aty, state).x;
  const auto solved = solver.solve(y).x;
  EXPECT_TRUE(torch::equal(x, solved));
  EXPECT_EQ(state.z.sizes(), c10::IntArrayRef(d->range_shape()));
}

TEST(AdmmL1, ObjectiveDecreasesOverall) {
  const Shape shape{6, 8, 8};
  const auto truth = torch::zeros(shape, torch::kDouble);
  truth.slice(1, 2, 6).slice(2, 2, 6).fill_(1.0);
  const auto y = truth + 0.2 * random_tensor(shape, torch::kDouble, kCpu, 5);
  AdmmL1Solver solver(identity(shape), gradient_3d(shape, Boundary::kNeumann), options_with(0.1, 1.0, 40, 10));
  const double before = solver.objective(y, y);
  const auto x = solver.solve(y).x;
  EXPECT_LT(solver.objective(x, y), 0.7 * before);
  EXPECT_LT((x - truth).norm().item<double>(), (y - truth).norm().item<double>());
}

TEST(AdmmL1, RejectsBadConfiguration) {
  EXPECT_THROW(AdmmL1Solver(identity({3}), identity({4})), ShapeMismatch);
  EXPECT_THROW(AdmmL1Solver(identity({3}), identity({3}), options_with(-1.0, 1.0, 1)), InvalidArgument);
  EXPECT_THROW(AdmmL1Solver(identity({3}), identity({3}), options_with(1.0, 0.0, 1)), InvalidArgument);
  EXPECT_THROW(AdmmL1Solver(nullptr, identity({3})), InvalidArgument);
  AdmmL1Solver solver(identity({3}), identity({3}));
  AdmmState wrong{torch::zeros({4}, torch::kDouble), torch::zeros({4}, torch::kDouble)};
  EXPECT_THROW(solver.step(torch::zeros({3}, torch::kDouble), torch::zeros({3}, torch::kDouble), wrong), ShapeMismatch);
}

TEST(Proximal, SoftThresholdRealAndComplex) {
  const auto v = torch::tensor({-3.0, -0.5, 0.0, 0.5, 2.0}, torch::kDouble);
  EXPECT_TRUE(torch::equal(soft_threshold(v, 1.0), torch::tensor({-2.0, 0.0, 0.0, 0.0, 1.0}, torch::kDouble)));
  const auto c = torch::complex(torch::tensor({3.0, 0.3}, torch::kDouble), torch::tensor({4.0, 0.4}, torch::kDouble));
  const auto shrunk = soft_threshold(c, 1.0);  // |3+4i| = 5 → 4, phase kept; |0.3+0.4i| = 0.5 → 0
  EXPECT_NEAR(std::abs(shrunk[0].item<c10::complex<double>>()), 4.0, 1e-12);
  EXPECT_NEAR(torch::angle(shrunk[0]).item<double>(), std::atan2(4.0, 3.0), 1e-12);
  EXPECT_EQ(std::abs(shrunk[1].item<c10::complex<double>>()), 0.0);
  EXPECT_DOUBLE_EQ(l1_norm(c), 5.5);
  EXPECT_THROW(soft_threshold(v, -1.0), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
