#include <gtest/gtest.h>

#include "operators/dense_matrix.h"
#include "testing/operator_contract.h"

// The contract helpers must catch broken operators; otherwise the contract suite proves nothing.

namespace diffrecon::testing {
namespace {

// y = M x whose "adjoint" is a perturbation of Mᴴ: wrong by construction.
class BrokenMatrix final : public LinearOperator {
 public:
  enum class Defect { kTransposeWithoutConjugate, kScaledAdjoint, kUntransposed, kNormalMismatch, kNonlinear };

  BrokenMatrix(torch::Tensor m, Defect defect)
      : LinearOperator("broken", {m.size(1)}, {m.size(0)}, m.is_complex() ? Field::kComplex : Field::kReal,
                       m.is_complex() ? Field::kComplex : Field::kReal),
        m_(std::move(m)),
        defect_(defect) {}

 protected:
  torch::Tensor apply_impl(const torch::Tensor& x) const override {
    auto y = torch::mv(m_, x);
    return defect_ == Defect::kNonlinear ? y + 0.1 * y.abs().pow(2) : y;
  }
  torch::Tensor adjoint_impl(const torch::Tensor& y) const override {
    switch (defect_) {
      case Defect::kTransposeWithoutConjugate: return torch::mv(m_.t(), y);
      case Defect::kScaledAdjoint: return 1.001 * torch::mv(m_.adjoint(), y);
      case Defect::kUntransposed: return torch::mv(m_, y);
      default: return torch::mv(m_.adjoint(), y);
    }
  }
  torch::Tensor normal_impl(const torch::Tensor& x) const override {
    const auto n = adjoint_impl(apply_impl(x));
    return defect_ == Defect::kNormalMismatch ? 0.999 * n : n;
  }

 private:
  torch::Tensor m_;
  Defect defect_;
};

const torch::Device kCpu(torch::kCPU);

TEST(OperatorContractNegative, DotTestCatchesMissingConjugation) {
  BrokenMatrix op(random_tensor({6, 5}, torch::kComplexDouble, kCpu, 1),
                  BrokenMatrix::Defect::kTransposeWithoutConjugate);
  EXPECT_FALSE(is_adjoint(op, torch::kComplexDouble, kCpu, 1e-6));
}

TEST(OperatorContractNegative, DotTestCatchesAdjointOffByOnePerMille) {
  BrokenMatrix op(random_tensor({6, 5}, torch::kDouble, kCpu, 2), BrokenMatrix::Defect::kScaledAdjoint);
  EXPECT_FALSE(is_adjoint(op, torch::kDouble, kCpu, 1e-6));
}

TEST(OperatorContractNegative, DotTestCatchesUntransposedSquareMatrix) {
  BrokenMatrix op(random_tensor({5, 5}, torch::kDouble, kCpu, 3), BrokenMatrix::Defect::kUntransposed);
  EXPECT_FALSE(is_adjoint(op, torch::kDouble, kCpu, 1e-6));
}

TEST(OperatorContractNegative, NormalCheckCatchesMismatch) {
  BrokenMatrix op(random_tensor({6, 5}, torch::kDouble, kCpu, 4), BrokenMatrix::Defect::kNormalMismatch);
  EXPECT_TRUE(is_adjoint(op, torch::kDouble, kCpu, 1e-10));
  EXPECT_FALSE(normal_matches_adjoint_of_apply(op, torch::kDouble, kCpu, 1e-6));
}

TEST(OperatorContractNegative, LinearityCheckCatchesNonlinearMap) {
  BrokenMatrix op(random_tensor({6, 5}, torch::kDouble, kCpu, 5), BrokenMatrix::Defect::kNonlinear);
  EXPECT_FALSE(is_linear(op, torch::kDouble, kCpu, 1e-6));
}

TEST(OperatorContractNegative, CorrectMatrixPassesEverything) {
  const auto op = dense_matrix(random_tensor({6, 5}, torch::kComplexDouble, kCpu, 6));
  EXPECT_TRUE(is_adjoint(*op, torch::kComplexDouble, kCpu, 1e-12));
  EXPECT_TRUE(is_linear(*op, torch::kComplexDouble, kCpu, 1e-12));
  EXPECT_TRUE(normal_matches_adjoint_of_apply(*op, torch::kComplexDouble, kCpu, 1e-12));
  EXPECT_TRUE(rejects_wrong_shape(*op, torch::kComplexDouble, kCpu));
}

}  // namespace
}  // namespace diffrecon::testing
