#include "operators/dense_matrix.h"

#include "core/error.h"

namespace diffrecon {
namespace {

class DenseMatrix final : public LinearOperator {
 public:
  DenseMatrix(torch::Tensor matrix, std::string name)
      : LinearOperator(std::move(name), {matrix.size(1)}, {matrix.size(0)},
                       matrix.is_complex() ? Field::kComplex : Field::kReal,
                       matrix.is_complex() ? Field::kComplex : Field::kReal),
        matrix_(std::move(matrix)) {}

  std::optional<torch::Device> device() const override { return matrix_.device(); }

 protected:
  torch::Tensor apply_impl(const torch::Tensor& x) const override { return torch::mv(matrix_.to(x.dtype()), x); }
  torch::Tensor adjoint_impl(const torch::Tensor& y) const override {
    return torch::mv(matrix_.to(y.dtype()).adjoint(), y);
  }

 private:
  torch::Tensor matrix_;
};

}  // namespace

OperatorPtr dense_matrix(torch::Tensor matrix, std::string name) {
  if (!matrix.defined() || matrix.dim() != 2)
    throw ShapeMismatch("dense_matrix(" + name + "): expected a 2D tensor");
  if (!matrix.is_floating_point() && !matrix.is_complex())
    throw ShapeMismatch("dense_matrix(" + name + "): expected a floating-point or complex matrix");
  return std::make_shared<DenseMatrix>(std::move(matrix), std::move(name));
}

}  // namespace diffrecon
