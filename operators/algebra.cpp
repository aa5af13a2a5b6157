#include "operators/algebra.h"

#include <cmath>
#include <sstream>

#include "core/error.h"

namespace diffrecon {
namespace {

void require(const OperatorPtr& op, const char* what) {
  if (!op) throw InvalidArgument(std::string(what) + ": operator is null");
}

// The field two operators must agree on (kAny yields to the other); throws on real vs complex.
Field merge_fields(Field a, Field b, const std::string& context) {
  if (a == Field::kAny) return b;
  if (b == Field::kAny || a == b) return a;
  throw ShapeMismatch(context + ": cannot combine a real space with a complex one");
}

std::optional<torch::Device> merge_devices(const std::vector<OperatorPtr>& ops, const std::string& context) {
  std::optional<torch::Device> device;
  for (const auto& op : ops) {
    const auto d = op->device();
    if (!d) continue;
    if (device && *device != *d)
      throw ShapeMismatch(context + ": operands live on different devices (" + device->str() + ", " + d->str() +
                          ")");
    device = d;
  }
  return device;
}

std::string join_names(const std::vector<OperatorPtr>& ops, const char* separator) {
  std::string out;
  for (size_t i = 0; i < ops.size(); ++i) out += (i ? separator : "") + ops[i]->name();
  return out;
}

class Identity final : public LinearOperator {
 public:
  explicit Identity(Shape shape) : LinearOperator("I" + to_string(shape), shape, shape) {}

 protected:
  torch::Tensor apply_impl(const torch::Tensor& x) const override { return x.clone(); }
  torch::Tensor adjoint_impl(const torch::Tensor& y) const override { return y.clone(); }
  torch::Tensor normal_impl(const torch::Tensor& x) const override { return x.clone(); }
};

// Fields of outer ∘ inner, where a kAny operator passes its input's kind through.
Field composed_domain_field(const LinearOperator& outer, const LinearOperator& inner) {
  if (inner.domain_field() != Field::kAny || inner.range_field() != Field::kAny) return inner.domain_field();
  return outer.domain_field();
}
Field composed_range_field(const LinearOperator& outer, const LinearOperator& inner) {
  if (outer.range_field() != Field::kAny || outer.domain_field() != Field::kAny) return outer.range_field();
  return inner.range_field();
}

class Composition final : public LinearOperator {
 public:
  Composition(OperatorPtr outer, OperatorPtr inner)
      : LinearOperator(outer->name() + "*" + inner->name(), inner->domain_shape(), outer->range_shape(),
                       composed_domain_field(*outer, *inner), composed_range_field(*outer, *inner)),
        outer_(std::move(outer)),
        inner_(std::move(inner)),
        device_(merge_devices({outer_, inner_}, name())) {}

  std::optional<torch::Device> device() const override { return device_; }

 protected:
  torch::Tensor apply_impl(const torch::Tensor& x) const override { return outer_->apply(inner_->apply(x)); }
  torch::Tensor adjoint_impl(const torch::Tensor& y) const override {
    return inner_->adjoint(outer_->adjoint(y));
  }
  torch::Tensor normal_impl(const torch::Tensor& x) const override {
    return inner_->adjoint(outer_->normal(inner_->apply(x)));
  }

 private:
  OperatorPtr outer_, inner_;
  std::optional<torch::Device> device_;
};

Field merged_field(const std::vector<OperatorPtr>& ops, Field (LinearOperator::*get)() const,
                   const std::string& context) {
  Field field = Field::kAny;
  for (const auto& op : ops) field = merge_fields(field, (*op.*get)(), context);
  return field;
}

class Sum final : public LinearOperator {
 public:
  explicit Sum(std::vector<OperatorPtr> terms)
      : LinearOperator("(" + join_names(terms, " + ") + ")", terms.front()->domain_shape(),
                       terms.front()->range_shape(), merged_field(terms, &LinearOperator::domain_field, "sum"),
                       merged_field(terms, &LinearOperator::range_field, "sum")),
        terms_(std::move(terms)),
        device_(merge_devices(terms_, name())) {}

  std::optional<torch::Device> device() const override { return device_; }

 protected:
  torch::Tensor apply_impl(const torch::Tensor& x) const override {
    auto out = terms_.front()->apply(x);
    for (size_t k = 1; k < terms_.size(); ++k) out.add_(terms_[k]->apply(x));
    return out;
  }
  torch::Tensor adjoint_impl(const torch::Tensor& y) const override {
    auto out = terms_.front()->adjoint(y);
    for (size_t k = 1; k < terms_.size(); ++k) out.add_(terms_[k]->adjoint(y));
    return out;
  }

 private:
  std::vector<OperatorPtr> terms_;
  std::optional<torch::Device> device_;
};

std::string format_scalar(std::complex<double> s) {
  std::ostringstream out;
  out << s.real();
  if (s.imag() != 0) out << (s.imag() < 0 ? "-" : "+") << std::abs(s.imag()) << "i";
  return out.str();
}

class Scaled final : public LinearOperator {
 public:
  Scaled(std::complex<double> s, OperatorPtr a, Field domain_field, Field range_field)
      : LinearOperator(format_scalar(s) + "*" + a->name(), a->domain_shape(), a->range_shape(), domain_field,
                       range_field),
        s_(s),
        a_(std::move(a)) {}

  std::optional<torch::Device> device() const override { return a_->device(); }

 protected:
  torch::Tensor apply_impl(const torch::Tensor& x) const override { return multiply(a_->apply(x), s_); }
  torch::Tensor adjoint_impl(const torch::Tensor& y) const override {
    return multiply(a_->adjoint(y), std::conj(s_));
  }
  torch::Tensor normal_impl(const torch::Tensor& x) const override {
    return a_->normal(x).mul_(std::norm(s_));
  }

 private:
  static torch::Tensor multiply(torch::Tensor t, std::complex<double> s) {
    if (s.imag() == 0) return t.mul_(s.real());
    return t.mul_(c10::complex<double>(s.real(), s.imag()));
  }

  std::complex<double> s_;
  OperatorPtr a_;
};

class Stack final : public LinearOperator {
 public:
  explicit Stack(std::vector<OperatorPtr> blocks)
      : LinearOperator("[" + join_names(blocks, "; ") + "]", blocks.front()->domain_shape(),
                       {total_range_size(blocks)}, merged_field(blocks, &LinearOperator::domain_field, "stack"),
                       merged_field(blocks, &LinearOperator::range_field, "stack")),
        blocks_(std::move(blocks)),
        device_(merge_devices(blocks_, name())) {}

  std::optional<torch::Device> device() const override { return device_; }

 protected:
  torch::Tensor apply_impl(const torch::Tensor& x) const override {
    std::vector<torch::Tensor> parts;
    parts.reserve(blocks_.size());
    for (const auto& block : blocks_) parts.push_back(block->apply(x).reshape({-1}));
    return torch::cat(parts);
  }
  torch::Tensor adjoint_impl(const torch::Tensor& y) const override {
    const auto parts = unstack(blocks_, y);
    auto out = blocks_.front()->adjoint(parts.front());
    for (size_t k = 1; k < blocks_.size(); ++k) out.add_(blocks_[k]->adjoint(parts[k]));
    return out;
  }
  torch::Tensor normal_impl(const torch::Tensor& x) const override {
    auto out = blocks_.front()->normal(x);
    for (size_t k = 1; k < blocks_.size(); ++k) out.add_(blocks_[k]->normal(x));
    return out;
  }

 private:
  static int64_t total_range_size(const std::vector<OperatorPtr>& blocks) {
    int64_t n = 0;
    for (const auto& block : blocks) n += numel(block->range_shape());
    return n;
  }

  std::vector<OperatorPtr> blocks_;
  std::optional<torch::Device> device_;
};

class Adjoint final : public LinearOperator {
 public:
  explicit Adjoint(OperatorPtr a)
      : LinearOperator(a->name() + "^H", a->range_shape(), a->domain_shape(), a->range_field(),
                       a->domain_field()),
        a_(std::move(a)) {}

  std::optional<torch::Device> device() const override { return a_->device(); }

 protected:
  torch::Tensor apply_impl(const torch::Tensor& x) const override { return a_->adjoint(x); }
  torch::Tensor adjoint_impl(const torch::Tensor& y) const override { return a_->apply(y); }

 private:
  OperatorPtr a_;
};

class Normal final : public LinearOperator {
 public:
  explicit Normal(OperatorPtr a)
      : LinearOperator(a->name() + "^H*" + a->name(), a->domain_shape(), a->domain_shape(), a->domain_field(),
                       a->domain_field()),
        a_(std::move(a)) {}

  std::optional<torch::Device> device() const override { return a_->device(); }

 protected:
  torch::Tensor apply_impl(const torch::Tensor& x) const override { return a_->normal(x); }
  torch::Tensor adjoint_impl(const torch::Tensor& y) const override { return a_->normal(y); }

 private:
  OperatorPtr a_;
};

void require_all(const std::vector<OperatorPtr>& ops, const char* what) {
  if (ops.empty()) throw InvalidArgument(std::string(what) + ": needs at least one operator");
  for (const auto& op : ops) require(op, what);
}

}  // namespace

OperatorPtr identity(Shape shape) { return std::make_shared<Identity>(std::move(shape)); }

OperatorPtr compose(OperatorPtr outer, OperatorPtr inner) {
  require(outer, "compose");
  require(inner, "compose");
  const std::string context = "compose(" + outer->name() + ", " + inner->name() + ")";
  if (inner->range_shape() != outer->domain_shape())
    throw ShapeMismatch(context + ": the inner range " + to_string(inner->range_shape()) +
                        " differs from the outer domain " + to_string(outer->domain_shape()));
  merge_fields(inner->range_field(), outer->domain_field(), context);
  return std::make_shared<Composition>(std::move(outer), std::move(inner));
}

OperatorPtr sum(std::vector<OperatorPtr> terms) {
  require_all(terms, "sum");
  for (const auto& term : terms)
    if (term->domain_shape() != terms.front()->domain_shape() || term->range_shape() != terms.front()->range_shape())
      throw ShapeMismatch("sum: " + term->name() + " maps " + to_string(term->domain_shape()) + " -> " +
                          to_string(term->range_shape()) + " but " + terms.front()->name() + " maps " +
                          to_string(terms.front()->domain_shape()) + " -> " +
                          to_string(terms.front()->range_shape()));
  if (terms.size() == 1) return terms.front();
  return std::make_shared<Sum>(std::move(terms));
}

OperatorPtr sum(OperatorPtr a, OperatorPtr b) { return sum(std::vector<OperatorPtr>{std::move(a), std::move(b)}); }

OperatorPtr scale(double s, OperatorPtr a) { return scale(std::complex<double>(s, 0.0), std::move(a)); }

OperatorPtr scale(std::complex<double> s, OperatorPtr a) {
  require(a, "scale");
  if (!std::isfinite(s.real()) || !std::isfinite(s.imag()))
    throw InvalidArgument("scale(" + a->name() + "): the factor must be finite");
  if (s.imag() == 0) return std::make_shared<Scaled>(s, a, a->domain_field(), a->range_field());
  if (a->domain_field() == Field::kReal || a->range_field() == Field::kReal)
    throw InvalidArgument("scale(" + a->name() + "): a complex factor needs an operator on complex tensors");
  return std::make_shared<Scaled>(s, a, Field::kComplex, Field::kComplex);
}

OperatorPtr stack(std::vector<OperatorPtr> blocks) {
  require_all(blocks, "stack");
  for (const auto& block : blocks)
    if (block->domain_shape() != blocks.front()->domain_shape())
      throw ShapeMismatch("stack: " + block->name() + " has domain " + to_string(block->domain_shape()) + " but " +
                          blocks.front()->name() + " has domain " + to_string(blocks.front()->domain_shape()));
  return std::make_shared<Stack>(std::move(blocks));
}

std::vector<torch::Tensor> unstack(const std::vector<OperatorPtr>& blocks, const torch::Tensor& stacked) {
  std::vector<torch::Tensor> parts;
  int64_t offset = 0;
  for (const auto& block : blocks) {
    const int64_t n = numel(block->range_shape());
    if (stacked.dim() != 1 || offset + n > stacked.size(0))
      throw ShapeMismatch("unstack: the stacked vector is shorter than the blocks' ranges");
    parts.push_back(stacked.narrow(0, offset, n).reshape(block->range_shape()));
    offset += n;
  }
  if (offset != stacked.size(0)) throw ShapeMismatch("unstack: the stacked vector is longer than the blocks' ranges");
  return parts;
}

OperatorPtr adjoint_of(OperatorPtr a) {
  require(a, "adjoint_of");
  return std::make_shared<Adjoint>(std::move(a));
}

OperatorPtr normal_of(OperatorPtr a) {
  require(a, "normal_of");
  return std::make_shared<Normal>(std::move(a));
}

}  // namespace diffrecon
