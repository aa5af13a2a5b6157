#include "solvers/primal_dual.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "operators/algebra.h"
#include "operators/ct/parallel_beam.h"
#include "operators/finite_difference.h"
#include "solvers/admm.h"
#include "solvers/proximal.h"
#include "testing/operator_contract.h"

namespace diffrecon {
namespace {

using testing::random_tensor;
const torch::Device kCpu(torch::kCPU);

torch::Tensor non_negative(const torch::Tensor& x) { return torch::clamp_min(x, 0.0); }

struct SmallCtProblem {
  OperatorPtr a;
  OperatorPtr d;  // isotropic in-plane TV: [D_y; D_x] grouped by 2
  torch::Tensor y;
};

// 3 views of an 8 × 8 slice (33 equations, 64 unknowns): the regulariser and the constraint decide.
SmallCtProblem small_ct_problem() {
  ParallelBeamGeometry g;
  g.angles = {0.0, 1.0, 2.0};
  g.detector_count = 11;
  g.nz = 1, g.ny = 8, g.nx = 8;
  SmallCtProblem p;
  p.a = parallel_beam_projector(g);
  const Shape shape{1, 8, 8};
  p.d = stack({finite_difference_y(shape, Boundary::kNeumann), finite_difference_x(shape, Boundary::kNeumann)});
  auto truth = torch::zeros(shape, torch::kDouble);
  truth.slice(1, 2, 6).slice(2, 1, 5).fill_(1.0);
  p.y = p.a->apply(truth) + 0.3 * random_tensor(p.a->range_shape(), torch::kDouble, kCpu, 12);
  return p;
}

TEST(PrimalDualTv, MatchesAdmmOnAConstrainedIsotropicTvProblem) {
  // The two algorithms share nothing beyond the proximal maps, so their agreement checks both.
  const auto p = small_ct_problem();
  const double lambda = 0.2;
  PrimalDualOptions pd;
  pd.lambda = lambda;
  pd.iterations = 20000;
  pd.tolerance = 1e-12;
  pd.l1_groups = 2;
  pd.constraint = non_negative;
  const auto x0 = torch::zeros(p.a->domain_shape(), torch::kDouble);
  const auto ours = primal_dual_tv(p.a, p.d, p.y, x0, pd);

  AdmmOptions admm;
  admm.lambda = lambda;
  admm.rho = 1.0;
  admm.iterations = 20000;
  admm.tolerance = 1e-10;
  admm.cg = {200, 1e-14, 0};
  admm.l1_groups = 2;
  admm.constraint = non_negative;
  const AdmmL1Solver solver(p.a, p.d, admm);
  const auto reference = solver.solve(p.y, x0);
  ASSERT_TRUE(reference.converged);

  EXPECT_GE(ours.x.min().item<double>(), 0.0);
  EXPECT_GT((reference.x == 0).sum().item<int64_t>(), 0) << "the constraint should be active";
  EXPECT_LT((ours.x - reference.x).abs().max().item<double>(), 1e-4 * reference.x.abs().max().item<double>());
  EXPECT_NEAR(solver.objective(ours.x, p.y), solver.objective(reference.x, p.y), 1e-6);
}

TEST(PrimalDualTv, StopsOnTheRelativeChange) {
  const auto p = small_ct_problem();
  PrimalDualOptions pd;
  pd.lambda = 0.2;
  pd.iterations = 100000;
  pd.tolerance = 1e-5;
  int reported = 0;
  pd.on_iteration = [&](int k) { reported = k; };
  const auto result = primal_dual_tv(p.a, p.d, p.y, torch::zeros(p.a->domain_shape(), torch::kDouble), pd);
  EXPECT_TRUE(result.converged);
  EXPECT_LT(result.iterations, 100000);
  EXPECT_EQ(reported, result.iterations);
  EXPECT_LE(result.relative_change, 1e-5);
}

TEST(PrimalDualTv, RejectsBadSettings) {
  const auto p = small_ct_problem();
  const auto x0 = torch::zeros(p.a->domain_shape(), torch::kDouble);
  PrimalDualOptions pd;
  pd.lambda = -1;
  EXPECT_THROW(primal_dual_tv(p.a, p.d, p.y, x0, pd), InvalidArgument);
  pd.lambda = 0.1;
  pd.primal_step = 0;
  EXPECT_THROW(primal_dual_tv(p.a, p.d, p.y, x0, pd), InvalidArgument);
  pd.primal_step = 1;
  EXPECT_THROW(primal_dual_tv(p.a, identity({3}), p.y, x0, pd), ShapeMismatch);
}

}  // namespace
}  // namespace diffrecon
