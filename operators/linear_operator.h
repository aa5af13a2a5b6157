#pragma once

#include <torch/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace diffrecon {

using Shape = std::vector<int64_t>;

// Which scalars an operator accepts or returns. kAny means "real or complex, and the output has the
// same kind as the input" (finite differences, masks, identity).
enum class Field { kAny, kReal, kComplex };

// A linear map A from tensors of shape domain_shape() to tensors of shape range_shape().
//
// Adjoints are with respect to the plain element-sum inner product <a, b> = Σ conj(a_i) b_i on both
// sides (see core/linalg.h), so <A x, y> = <x, Aᴴ y>. Every operator must satisfy this to the
// precision of its dtype; tests/testing/operator_contract.h checks it for every registered operator.
//
// apply/adjoint/normal check shape, field and device, name the operator in every error and call the
// protected *_impl methods, which may assume valid input and must return a new tensor (never the
// input or a view of it: composites accumulate into results in place). Operators are immutable: share them as
// OperatorPtr.
class LinearOperator {
 public:
  virtual ~LinearOperator() = default;
  LinearOperator(const LinearOperator&) = delete;
  LinearOperator& operator=(const LinearOperator&) = delete;

  const std::string& name() const { return name_; }
  const Shape& domain_shape() const { return domain_shape_; }
  const Shape& range_shape() const { return range_shape_; }
  Field domain_field() const { return domain_field_; }
  Field range_field() const { return range_field_; }
  // The device of tensors the operator holds (masks, coil maps), or nullopt when it holds none and
  // follows its input.
  virtual std::optional<torch::Device> device() const { return std::nullopt; }

  torch::Tensor apply(const torch::Tensor& x) const;    // A x
  torch::Tensor adjoint(const torch::Tensor& y) const;  // Aᴴ y
  torch::Tensor normal(const torch::Tensor& x) const;   // Aᴴ A x

 protected:
  LinearOperator(std::string name, Shape domain_shape, Shape range_shape, Field domain_field = Field::kAny,
                 Field range_field = Field::kAny);

  virtual torch::Tensor apply_impl(const torch::Tensor& x) const = 0;
  virtual torch::Tensor adjoint_impl(const torch::Tensor& y) const = 0;
  // Default Aᴴ(A x); override where cheaper.
  virtual torch::Tensor normal_impl(const torch::Tensor& x) const;

 private:
  enum class Side { kDomain, kRange };
  void check_input(const torch::Tensor& t, Side side, const char* method) const;
  void check_output(const torch::Tensor& out, const torch::Tensor& in, Side side, const char* method) const;

  std::string name_;
  Shape domain_shape_;
  Shape range_shape_;
  Field domain_field_;
  Field range_field_;
};

using OperatorPtr = std::shared_ptr<const LinearOperator>;

// "[4, 5, 6]".
std::string to_string(const Shape& shape);
const char* to_string(Field field);
int64_t numel(const Shape& shape);

}  // namespace diffrecon
