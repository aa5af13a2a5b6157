#include "operators/autograd_bridge.h"

#include <gtest/gtest.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>

#include "operators/algebra.h"
#include "operators/dense_matrix.h"
#include "operators/finite_difference.h"
#include "testing/operator_contract.h"

namespace diffrecon {
namespace {

using testing::random_tensor;
const torch::Device kCpu(torch::kCPU);

torch::Tensor gradient_of_misfit(const OperatorPtr& op, const torch::Tensor& x0, const torch::Tensor& y) {
  auto x = x0.clone().requires_grad_(true);
  const auto residual = apply_differentiable(op, x) - y;
  const auto loss = 0.5 * (residual.is_complex() ? residual.abs().pow(2).sum() : residual.pow(2).sum());
  return torch::autograd::grad({loss}, {x})[0];
}

TEST(AutogradBridge, GradientOfMisfitIsAdjointOfResidualReal) {
  const auto op = compose(dense_matrix(random_tensor({5, 7}, torch::kDouble, kCpu, 1)), identity({7}));
  const auto x = random_tensor({7}, torch::kDouble, kCpu, 2);
  const auto y = random_tensor({5}, torch::kDouble, kCpu, 3);
  EXPECT_TRUE(torch::allclose(gradient_of_misfit(op, x, y), op->adjoint(op->apply(x) - y)));
}

TEST(AutogradBridge, GradientOfMisfitIsAdjointOfResidualComplex) {
  // PyTorch's convention for a real loss of complex x: grad = ∂L/∂conj(x)·2 = Aᴴ(Ax − y).
  const auto op = dense_matrix(random_tensor({5, 4}, torch::kComplexDouble, kCpu, 4));
  const auto x = random_tensor({4}, torch::kComplexDouble, kCpu, 5);
  const auto y = random_tensor({5}, torch::kComplexDouble, kCpu, 6);
  EXPECT_TRUE(torch::allclose(gradient_of_misfit(op, x, y), op->adjoint(op->apply(x) - y)));
}

TEST(AutogradBridge, BackwardUsesTheAdjointNotAutogradOfTheImplementation) {
  // A circular difference built from torch::roll would be differentiable anyway; the bridge must give
  // the same gradient through its own backward node.
  const auto op = finite_difference_z({4, 3, 3});
  auto x = random_tensor({4, 3, 3}, torch::kDouble, kCpu, 7).requires_grad_(true);
  const auto y = apply_differentiable(op, x);
  ASSERT_TRUE(y.requires_grad());
  EXPECT_NE(y.grad_fn()->name().find("OperatorBackward"), std::string::npos);
  const auto g = random_tensor({4, 3, 3}, torch::kDouble, kCpu, 8);
  const auto grad = torch::autograd::grad({y}, {x}, {g})[0];
  EXPECT_TRUE(torch::allclose(grad, op->adjoint(g)));
}

TEST(AutogradBridge, DoubleBackwardWorks) {
  // L(x) = ½‖A x‖²: Hessian-vector product H v = AᴴA v.
  const auto m = random_tensor({6, 4}, torch::kDouble, kCpu, 9);
  const auto op = dense_matrix(m);
  auto x = random_tensor({4}, torch::kDouble, kCpu, 10).requires_grad_(true);
  const auto loss = 0.5 * apply_differentiable(op, x).pow(2).sum();
  const auto grad = torch::autograd::grad({loss}, {x}, {}, /*retain_graph=*/true, /*create_graph=*/true)[0];
  const auto v = random_tensor({4}, torch::kDouble, kCpu, 11);
  const auto hv = torch::autograd::grad({grad}, {x}, {v})[0];
  EXPECT_TRUE(torch::allclose(hv, op->normal(v)));
}

TEST(AutogradBridge, NoGraphWithoutRequiresGrad) {
  const auto y = apply_differentiable(identity({3}), torch::ones({3}, torch::kDouble));
  EXPECT_FALSE(y.requires_grad());
}

}  // namespace
}  // namespace diffrecon
