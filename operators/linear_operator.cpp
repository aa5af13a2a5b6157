#include "operators/linear_operator.h"

#include <sstream>

#include "core/error.h"

namespace diffrecon {
namespace {

bool field_accepts(Field field, const torch::Tensor& t) {
  switch (field) {
    case Field::kAny: return t.is_floating_point() || t.is_complex();
    case Field::kReal: return t.is_floating_point();
    case Field::kComplex: return t.is_complex();
  }
  return false;
}

}  // namespace

std::string to_string(const Shape& shape) {
  std::ostringstream out;
  out << "[";
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << "]";
  return out.str();
}

const char* to_string(Field field) {
  switch (field) {
    case Field::kAny: return "real or complex";
    case Field::kReal: return "real";
    case Field::kComplex: return "complex";
  }
  return "?";
}

int64_t numel(const Shape& shape) {
  int64_t n = 1;
  for (const int64_t s : shape) n *= s;
  return n;
}

LinearOperator::LinearOperator(std::string name, Shape domain_shape, Shape range_shape, Field domain_field,
                               Field range_field)
    : name_(std::move(name)),
      domain_shape_(std::move(domain_shape)),
      range_shape_(std::move(range_shape)),
      domain_field_(domain_field),
      range_field_(range_field) {
  for (const Shape* shape : {&domain_shape_, &range_shape_})
    for (const int64_t s : *shape)
      if (s <= 0) throw InvalidArgument(name_ + ": every dimension must be positive, got " + to_string(*shape));
}

void LinearOperator::check_input(const torch::Tensor& t, Side side, const char* method) const {
  const Shape& shape = side == Side::kDomain ? domain_shape_ : range_shape_;
  const Field field = side == Side::kDomain ? domain_field_ : range_field_;
  const char* space = side == Side::kDomain ? "domain" : "range";
  if (!t.defined()) throw InvalidArgument(name_ + "." + method + ": input tensor is undefined");
  if (t.sizes() != c10::IntArrayRef(shape)) {
    std::ostringstream msg;
    msg << name_ << "." << method << ": expected a tensor of " << space << " shape " << to_string(shape)
        << ", got " << t.sizes();
    throw ShapeMismatch(msg.str());
  }
  if (!field_accepts(field, t))
    throw ShapeMismatch(name_ + "." + method + ": expected a " + to_string(field) + " floating-point tensor, got " +
                        c10::toString(t.scalar_type()));
  if (const auto dev = device(); dev && t.device() != *dev)
    throw ShapeMismatch(name_ + "." + method + ": the operator lives on " + dev->str() + " but the input is on " +
                        t.device().str());
}

void LinearOperator::check_output(const torch::Tensor& out, const torch::Tensor& in, Side side,
                                  const char* method) const {
  const Shape& shape = side == Side::kDomain ? domain_shape_ : range_shape_;
  const Field field = side == Side::kDomain ? domain_field_ : range_field_;
  const bool kind_ok = field == Field::kAny ? out.is_complex() == in.is_complex() : field_accepts(field, out);
  if (out.defined() && out.is_alias_of(in))
    throw Error(name_ + "." + method + " (internal error): the result aliases the input");
  if (!out.defined() || out.sizes() != c10::IntArrayRef(shape) || !kind_ok) {
    std::ostringstream msg;
    msg << name_ << "." << method << " (internal error): produced ";
    if (out.defined())
      msg << "shape " << out.sizes() << " " << c10::toString(out.scalar_type());
    else
      msg << "an undefined tensor";
    msg << ", expected shape " << to_string(shape);
    throw Error(msg.str());
  }
}

torch::Tensor LinearOperator::apply(const torch::Tensor& x) const {
  check_input(x, Side::kDomain, "apply");
  auto y = apply_impl(x);
  check_output(y, x, Side::kRange, "apply");
  return y;
}

torch::Tensor LinearOperator::adjoint(const torch::Tensor& y) const {
  check_input(y, Side::kRange, "adjoint");
  auto x = adjoint_impl(y);
  check_output(x, y, Side::kDomain, "adjoint");
  return x;
}

torch::Tensor LinearOperator::normal(const torch::Tensor& x) const {
  check_input(x, Side::kDomain, "normal");
  auto z = normal_impl(x);
  check_output(z, x, Side::kDomain, "normal");
  return z;
}

torch::Tensor LinearOperator::normal_impl(const torch::Tensor& x) const { return adjoint_impl(apply_impl(x)); }

}  // namespace diffrecon
