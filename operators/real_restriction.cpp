#include "operators/real_restriction.h"

#include "core/error.h"

namespace diffrecon {
namespace {

Shape with_trailing_two(Shape shape) {
  shape.push_back(2);
  return shape;
}

torch::ScalarType complex_of(torch::ScalarType real) {
  return real == torch::kDouble ? torch::kComplexDouble : torch::kComplexFloat;
}

class RealRestriction final : public LinearOperator {
 public:
  explicit RealRestriction(OperatorPtr a)
      : LinearOperator("Re(" + a->name() + ")", a->domain_shape(), with_trailing_two(a->range_shape()), Field::kReal,
                       Field::kReal),
        a_(std::move(a)) {}

  std::optional<torch::Device> device() const override { return a_->device(); }

 protected:
  torch::Tensor apply_impl(const torch::Tensor& x) const override {
    return torch::view_as_real(a_->apply(x.to(complex_of(x.scalar_type())))).clone();
  }
  torch::Tensor adjoint_impl(const torch::Tensor& v) const override {
    return torch::real(a_->adjoint(torch::view_as_complex(v.contiguous()))).clone();
  }
  torch::Tensor normal_impl(const torch::Tensor& x) const override {
    return torch::real(a_->normal(x.to(complex_of(x.scalar_type())))).clone();
  }

 private:
  OperatorPtr a_;
};

}  // namespace

OperatorPtr real_restriction(OperatorPtr complex_operator) {
  if (!complex_operator) throw InvalidArgument("real_restriction: operator is null");
  if (complex_operator->domain_field() == Field::kReal || complex_operator->range_field() == Field::kReal)
    throw InvalidArgument("real_restriction: " + complex_operator->name() + " is not a complex operator");
  return std::make_shared<RealRestriction>(std::move(complex_operator));
}

}  // namespace diffrecon
