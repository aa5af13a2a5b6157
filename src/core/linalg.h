#pragma once

#include <torch/types.h>

#include <complex>

namespace diffrecon {

// Inner products use plain element sums (no voxel-volume weight), conjugating the first argument:
//   <a, b> = Σ conj(a_i) b_i
// Sums are accumulated in double precision.
std::complex<double> inner_product(const torch::Tensor& a, const torch::Tensor& b);

// Re <a, b>.
double real_inner_product(const torch::Tensor& a, const torch::Tensor& b);

// ‖a‖₂ = sqrt(<a, a>).
double norm2(const torch::Tensor& a);

// Re <a_b, b_b> for each of the independent systems indexed by the first `batch_dims` dimensions:
// a float64 tensor of shape a.sizes()[:batch_dims] (a scalar tensor when batch_dims == 0).
torch::Tensor batched_real_inner_product(const torch::Tensor& a, const torch::Tensor& b, int64_t batch_dims);

}  // namespace diffrecon
