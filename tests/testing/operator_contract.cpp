#include "testing/operator_contract.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <sstream>

#include "core/error.h"
#include "core/linalg.h"

namespace diffrecon::testing {
namespace {

bool accepts(Field field, bool complex) {
  return field == Field::kAny || (field == Field::kComplex) == complex;
}

std::string describe(const LinearOperator& op, torch::ScalarType dtype, torch::Device device) {
  std::ostringstream out;
  out << op.name() << " [" << c10::toString(dtype) << ", " << device << "]";
  return out.str();
}

// The dtype of the range for inputs of `dtype` in the domain.
torch::ScalarType range_dtype(const LinearOperator& op, torch::ScalarType dtype) {
  const bool complex = c10::isComplexType(dtype);
  const auto real = complex ? c10::toRealValueType(dtype) : dtype;
  if (op.range_field() == Field::kAny) return dtype;
  return op.range_field() == Field::kComplex ? c10::toComplexType(real) : real;
}

}  // namespace

torch::Tensor random_tensor(const Shape& shape, torch::ScalarType dtype, torch::Device device, uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  const auto real = c10::isComplexType(dtype) ? c10::toRealValueType(dtype) : dtype;
  const auto opts = torch::TensorOptions().dtype(real);
  torch::Tensor t = at::randn(shape, generator, opts);
  if (c10::isComplexType(dtype)) t = torch::complex(t, at::randn(shape, generator, opts));
  return t.to(device);
}

std::vector<torch::ScalarType> contract_dtypes(const LinearOperator& op, torch::ScalarType real_precision) {
  std::vector<torch::ScalarType> dtypes;
  if (accepts(op.domain_field(), false)) dtypes.push_back(real_precision);
  if (accepts(op.domain_field(), true)) dtypes.push_back(c10::toComplexType(real_precision));
  return dtypes;
}

::testing::AssertionResult is_adjoint(const LinearOperator& op, torch::ScalarType dtype, torch::Device device,
                                      double tolerance, uint64_t seed) {
  const auto x = random_tensor(op.domain_shape(), dtype, device, seed);
  const auto y = random_tensor(op.range_shape(), range_dtype(op, dtype), device, seed + 1000);
  const auto ax = op.apply(x);
  const auto aty = op.adjoint(y);
  const std::complex<double> lhs = inner_product(ax, y), rhs = inner_product(x, aty);
  const double scale = norm2(ax) * norm2(y);
  const double error = scale > 0 ? std::abs(lhs - rhs) / scale : std::abs(lhs - rhs);
  if (error <= tolerance) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << describe(op, dtype, device) << ": <Ax,y> = " << lhs
                                       << ", <x,A^H y> = " << rhs << ", normalised difference " << error
                                       << " > " << tolerance << " (ratio " << std::abs(lhs) / std::abs(rhs) << ")";
}

::testing::AssertionResult is_linear(const LinearOperator& op, torch::ScalarType dtype, torch::Device device,
                                     double tolerance, uint64_t seed) {
  const auto x1 = random_tensor(op.domain_shape(), dtype, device, seed);
  const auto x2 = random_tensor(op.domain_shape(), dtype, device, seed + 1);
  // A complex coefficient for complex tensors, so a conjugate-linear map fails.
  const double a = 1.7;
  const c10::complex<double> b = c10::isComplexType(dtype) ? c10::complex<double>(-0.6, 0.8) : -0.6;
  auto times_b = [&](const torch::Tensor& t) { return c10::isComplexType(dtype) ? t * b : t * b.real(); };
  const auto ax1 = op.apply(x1), ax2 = op.apply(x2);
  const double error = norm2(op.apply(a * x1 + times_b(x2)) - (a * ax1 + times_b(ax2)));
  const double scale = std::abs(a) * norm2(ax1) + std::abs(b) * norm2(ax2);
  if (error <= tolerance * scale) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << describe(op, dtype, device) << ": not linear, error " << error
                                       << " vs scale " << scale;
}

::testing::AssertionResult normal_matches_adjoint_of_apply(const LinearOperator& op, torch::ScalarType dtype,
                                                           torch::Device device, double tolerance,
                                                           uint64_t seed) {
  const auto x = random_tensor(op.domain_shape(), dtype, device, seed);
  const auto expected = op.adjoint(op.apply(x));
  const double error = norm2(op.normal(x) - expected);
  const double scale = norm2(expected);
  if (error <= tolerance * scale) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << describe(op, dtype, device) << ": normal(x) differs from adjoint(apply(x)) by "
                                       << error << " (norm " << scale << ")";
}

::testing::AssertionResult rejects_wrong_shape(const LinearOperator& op, torch::ScalarType dtype,
                                               torch::Device device) {
  auto grown = [](Shape s) {
    s.back() += 1;
    return s;
  };
  auto extra_dim = [](Shape s) {
    s.push_back(1);
    return s;
  };
  const bool complex = c10::isComplexType(dtype);
  const auto real = complex ? c10::toRealValueType(dtype) : dtype;
  struct Attempt {
    const char* what;
    std::function<void()> call;
  };
  std::vector<Attempt> attempts = {
      {"apply(domain shape + 1)", [&] { op.apply(random_tensor(grown(op.domain_shape()), dtype, device, 1)); }},
      {"apply(domain shape + [1])", [&] { op.apply(random_tensor(extra_dim(op.domain_shape()), dtype, device, 1)); }},
      {"adjoint(range shape + 1)",
       [&] { op.adjoint(random_tensor(grown(op.range_shape()), range_dtype(op, dtype), device, 1)); }},
      {"normal(domain shape + 1)", [&] { op.normal(random_tensor(grown(op.domain_shape()), dtype, device, 1)); }},
      {"apply(integer tensor)",
       [&] { op.apply(torch::ones(op.domain_shape(), torch::TensorOptions().dtype(torch::kLong).device(device))); }},
  };
  if (op.domain_field() == Field::kReal)
    attempts.push_back({"apply(complex)", [&] {
                                op.apply(random_tensor(op.domain_shape(), c10::toComplexType(real), device, 1));
                              }});
  if (op.domain_field() == Field::kComplex)
    attempts.push_back({"apply(real)", [&] { op.apply(random_tensor(op.domain_shape(), real, device, 1)); }});

  for (const Attempt& attempt : attempts) {
      try {
        attempt.call();
        return ::testing::AssertionFailure() << describe(op, dtype, device) << ": " << attempt.what
                                             << " did not throw";
      } catch (const ShapeMismatch&) {
      } catch (const std::exception& e) {
        return ::testing::AssertionFailure() << describe(op, dtype, device) << ": " << attempt.what
                                             << " threw something other than ShapeMismatch: " << e.what();
      }
    }
  return ::testing::AssertionSuccess();
}

}  // namespace diffrecon::testing
