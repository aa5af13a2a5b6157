#include "operators/finite_difference.h"

#include "core/error.h"
#include "operators/algebra.h"

namespace diffrecon {
namespace {

class FiniteDifference final : public LinearOperator {
 public:
  FiniteDifference(Shape shape, int64_t dim, Boundary boundary)
      : LinearOperator(std::string(boundary == Boundary::kCircular ? "Dcirc" : "Dneu") + "_" + std::to_string(dim) +
                           to_string(shape),
                       shape, shape),
        dim_(dim),
        boundary_(boundary) {}

 protected:
  torch::Tensor apply_impl(const torch::Tensor& x) const override {
    if (boundary_ == Boundary::kCircular) return torch::roll(x, {-1}, {dim_}) - x;
    const int64_t n = x.size(dim_);
    auto out = torch::empty_like(x, at::MemoryFormat::Contiguous);
    out.narrow(dim_, n - 1, 1).zero_();
    if (n > 1) {
      auto interior = out.narrow(dim_, 0, n - 1);
      at::sub_out(interior, x.narrow(dim_, 1, n - 1), x.narrow(dim_, 0, n - 1));
    }
    return out;
  }

  torch::Tensor adjoint_impl(const torch::Tensor& v) const override {
    if (boundary_ == Boundary::kCircular) return torch::roll(v, {1}, {dim_}) - v;
    const int64_t n = v.size(dim_);
    auto out = torch::zeros_like(v);
    if (n > 1) {
      out.narrow(dim_, 1, n - 1).add_(v.narrow(dim_, 0, n - 1));
      out.narrow(dim_, 0, n - 1).sub_(v.narrow(dim_, 0, n - 1));
    }
    return out;
  }

  // DᵀD x in one pass: 2x − x[k−1] − x[k+1] (circular), the same with one neighbour at each end (Neumann).
  torch::Tensor normal_impl(const torch::Tensor& x) const override {
    if (boundary_ == Boundary::kCircular) return 2 * x - torch::roll(x, {1}, {dim_}) - torch::roll(x, {-1}, {dim_});
    const int64_t n = x.size(dim_);
    auto out = torch::zeros_like(x);
    if (n > 1) {
      const auto d = x.narrow(dim_, 1, n - 1) - x.narrow(dim_, 0, n - 1);
      out.narrow(dim_, 0, n - 1).sub_(d);
      out.narrow(dim_, 1, n - 1).add_(d);
    }
    return out;
  }

 private:
  int64_t dim_;
  Boundary boundary_;
};

int64_t resolve_dim(const Shape& shape, int64_t dim) {
  const auto rank = static_cast<int64_t>(shape.size());
  const int64_t resolved = dim < 0 ? dim + rank : dim;
  if (resolved < 0 || resolved >= rank)
    throw InvalidArgument("finite_difference: dimension " + std::to_string(dim) + " out of range for shape " +
                          to_string(shape));
  return resolved;
}

}  // namespace

OperatorPtr finite_difference(Shape shape, int64_t dim, Boundary boundary) {
  const int64_t resolved = resolve_dim(shape, dim);
  return std::make_shared<FiniteDifference>(std::move(shape), resolved, boundary);
}

OperatorPtr finite_difference_z(Shape shape, Boundary boundary) { return finite_difference(std::move(shape), -3, boundary); }
OperatorPtr finite_difference_y(Shape shape, Boundary boundary) { return finite_difference(std::move(shape), -2, boundary); }
OperatorPtr finite_difference_x(Shape shape, Boundary boundary) { return finite_difference(std::move(shape), -1, boundary); }

OperatorPtr gradient_3d(Shape shape, Boundary boundary) {
  return stack({finite_difference_z(shape, boundary), finite_difference_y(shape, boundary),
                finite_difference_x(shape, boundary)});
}

}  // namespace diffrecon
