#include "core/linalg.h"

#include <cmath>
#include <numeric>
#include <vector>

#include "core/error.h"

namespace diffrecon {
namespace {

void check_same_shape(const torch::Tensor& a, const torch::Tensor& b, const char* what) {
  if (a.sizes() != b.sizes())
    throw ShapeMismatch(std::string(what) + ": operands have different shapes");
}

}  // namespace

std::complex<double> inner_product(const torch::Tensor& a, const torch::Tensor& b) {
  check_same_shape(a, b, "inner");
  if (!a.is_complex() && !b.is_complex()) return {real_inner_product(a, b), 0.0};
  const auto s = (a.conj() * b).sum(torch::kComplexDouble).item<c10::complex<double>>();
  return {s.real(), s.imag()};
}

double real_inner_product(const torch::Tensor& a, const torch::Tensor& b) {
  check_same_shape(a, b, "real_inner_product");
  if (a.is_complex() || b.is_complex()) return torch::real(a.conj() * b).sum(torch::kDouble).item<double>();
  return (a * b).sum(torch::kDouble).item<double>();
}

double norm2(const torch::Tensor& a) { return std::sqrt(real_inner_product(a, a)); }

torch::Tensor batched_real_inner_product(const torch::Tensor& a, const torch::Tensor& b, int64_t batch_dims) {
  check_same_shape(a, b, "batched_real_inner_product");
  if (batch_dims < 0 || batch_dims > a.dim())
    throw InvalidArgument("batched_real_inner_product: batch_dims " + std::to_string(batch_dims) +
                          " out of range for a tensor of rank " + std::to_string(a.dim()));
  std::vector<int64_t> reduce(a.dim() - batch_dims);
  std::iota(reduce.begin(), reduce.end(), batch_dims);
  const auto product = a.is_complex() ? torch::real(a.conj() * b) : a * b;
  if (reduce.empty()) return product.to(torch::kDouble);
  return product.sum(reduce, /*keepdim=*/false, torch::kDouble);
}

}  // namespace diffrecon
