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

TEST(AdmmL1, ConstraintHoldsAndGivesTheNonNegativeShrinkage) {
  // min ½‖x − y‖² + λ‖x‖₁ + ι_{x ≥ 0}(x) has the closed form x = max(y − λ, 0).
  const auto y = random_tensor({60}, torch::kDouble, kCpu, 6);
  auto options = options_with(0.3, 1.0, 500);
  options.constraint = [](const torch::Tensor& x) { return torch::clamp_min(x, 0.0); };
  const auto x = AdmmL1Solver(identity({60}), identity({60}), options).solve(y).x;
  EXPECT_GE(x.min().item<double>(), 0.0);
  EXPECT_LT((x - torch::clamp_min(y - 0.3, 0.0)).abs().max().item<double>(), 1e-6);
}

TEST(AdmmL1, NonNegativeLeastSquaresMatchesProjectedGradient) {
  // λ = 0 with the constraint: NNLS, against projected gradient descent (an independent algorithm).
  const auto m = random_tensor({20, 10}, torch::kDouble, kCpu, 7);
  const auto y = random_tensor({20}, torch::kDouble, kCpu, 8);
  auto options = options_with(0.0, 1.0, 3000);
  options.constraint = [](const torch::Tensor& x) { return torch::clamp_min(x, 0.0); };
  const auto x = AdmmL1Solver(dense_matrix(m), identity({10}), options).solve(y).x;
  const double step = 1.0 / std::pow(at::linalg_matrix_norm(m, 2).item<double>(), 2);
  auto reference = torch::zeros({10}, torch::kDouble);
  for (int k = 0; k < 50000; ++k)
    reference = torch::clamp_min(reference - step * torch::mv(m.t(), torch::mv(m, reference) - y), 0.0);
  EXPECT_GT((reference == 0).sum().item<int64_t>(), 0) << "the constraint should be active";
  EXPECT_LT((x - reference).abs().max().item<double>(), 1e-6);
}

TEST(AdmmL1, StoppingRuleStopsEarlyAtAConvergedSolution) {
  const auto y = random_tensor({40}, torch::kDouble, kCpu, 9);
  auto options = options_with(0.5, 1.0, 10000);
  options.tolerance = 1e-8;
  const auto result = AdmmL1Solver(identity({40}), identity({40}), options).solve(y);
  EXPECT_TRUE(result.converged);
  EXPECT_LT(result.iterations, 200);
  EXPECT_LE(result.primal_residual, 1e-8);
  EXPECT_LE(result.dual_residual, 1e-8);
  EXPECT_LT((result.x - soft_threshold(y, 0.5)).abs().max().item<double>(), 1e-6);
  options.tolerance = 0;  // no rule: every iteration runs
  options.iterations = 37;
  const auto fixed = AdmmL1Solver(identity({40}), identity({40}), options).solve(y);
  EXPECT_EQ(fixed.iterations, 37);
  EXPECT_FALSE(fixed.converged);
}

TEST(AdmmL1, IsotropicTvShrinksGradientMagnitudes) {
  // With D = [I; I] on a 1-element domain grouped as 2, ‖D x‖ = √2 |x|: min ½(x − y)² + λ√2|x|.
  const auto y = torch::tensor({3.0, -0.5, 1.0}, torch::kDouble);
  const auto d = stack({identity({3}), identity({3})});
  auto options = options_with(0.5, 1.0, 2000);
  options.l1_groups = 2;
  const auto x = AdmmL1Solver(identity({3}), d, options).solve(y).x;
  EXPECT_LT((x - soft_threshold(y, 0.5 * std::sqrt(2.0))).abs().max().item<double>(), 1e-6);
  options.l1_groups = 4;
  EXPECT_THROW(AdmmL1Solver(identity({3}), d, options), InvalidArgument);
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

TEST(Proximal, GroupedThresholdAndDualBallActOnGroupMagnitudes) {
  // Groups (3, 4) and (0.3, 0.4): magnitudes 5 and 0.5, stored as [v_1 | v_2].
  const auto v = torch::tensor({3.0, 0.3, 4.0, 0.4}, torch::kDouble);
  const auto shrunk = soft_threshold(v, 1.0, 2);
  EXPECT_TRUE(torch::allclose(shrunk, torch::tensor({2.4, 0.0, 3.2, 0.0}, torch::kDouble)));
  const auto projected = project_to_dual_ball(v, 1.0, 2);
  EXPECT_TRUE(torch::allclose(projected, torch::tensor({0.6, 0.3, 0.8, 0.4}, torch::kDouble)));
  // Moreau: prox of t‖·‖ plus projection onto the t-ball is the identity.
  EXPECT_TRUE(torch::allclose(shrunk + projected, v));
  EXPECT_DOUBLE_EQ(l1_norm(v, 2), 5.5);
  EXPECT_THROW(soft_threshold(v, 1.0, 3), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
