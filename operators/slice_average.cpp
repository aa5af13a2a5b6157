#include "operators/slice_average.h"

#include "core/error.h"

namespace diffrecon {
namespace {

Shape thick_shape(Shape shape, int64_t factor) {
  if (shape.empty()) throw InvalidArgument("slice_average: expected a shape [Z, ...], got []");
  if (factor < 1) throw InvalidArgument("slice_average: factor must be ≥ 1, got " + std::to_string(factor));
  shape[0] = thick_slice_count(shape[0], factor);
  return shape;
}

class SliceAverage final : public LinearOperator {
 public:
  SliceAverage(Shape shape, int64_t factor)
      : LinearOperator("SliceAverage_" + std::to_string(factor) + to_string(shape), shape, thick_shape(shape, factor)),
        factor_(factor) {}

 protected:
  torch::Tensor apply_impl(const torch::Tensor& x) const override {
    const int64_t thick = range_shape()[0];
    const auto padded = pad_z(x, thick * factor_);
    Shape grouped{thick, factor_};
    grouped.insert(grouped.end(), x.sizes().begin() + 1, x.sizes().end());
    return padded.reshape(grouped).sum(1) / group_sizes(x);
  }

  torch::Tensor adjoint_impl(const torch::Tensor& y) const override {
    return (y / group_sizes(y)).repeat_interleave(factor_, 0).narrow(0, 0, domain_shape()[0]).contiguous();
  }

 private:
  // x zero-padded along z to `length` slices.
  static torch::Tensor pad_z(const torch::Tensor& x, int64_t length) {
    if (x.size(0) == length) return x;
    auto sizes = x.sizes().vec();
    sizes[0] = length - x.size(0);
    return torch::cat({x, torch::zeros(sizes, x.options())}, 0);
  }

  // n_k as a real tensor [⌈Z/f⌉, 1, …, 1] that broadcasts against the thick slices.
  torch::Tensor group_sizes(const torch::Tensor& like) const {
    const int64_t z = domain_shape()[0], thick = range_shape()[0];
    Shape sizes(like.dim(), 1);
    sizes[0] = thick;
    auto n = torch::full(sizes, static_cast<double>(factor_), like.options().dtype(c10::toRealValueType(like.scalar_type())));
    if (z % factor_ != 0) n[thick - 1].fill_(static_cast<double>(z % factor_));
    return n;
  }

  int64_t factor_;
};

}  // namespace

int64_t thick_slice_count(int64_t z, int64_t factor) { return (z + factor - 1) / factor; }

OperatorPtr slice_average(Shape shape, int64_t factor) {
  return std::make_shared<SliceAverage>(std::move(shape), factor);
}

}  // namespace diffrecon
