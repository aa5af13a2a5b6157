#pragma once

#include <gtest/gtest.h>
#include <torch/types.h>

#include <cstdint>

#include "operators/linear_operator.h"

namespace diffrecon::testing {

// The contract every LinearOperator must satisfy, as GoogleTest assertion results. `dtype` is the
// tensor type of the random test vectors (float32/float64 or complex64/complex128); it must suit the
// operator's fields. Vectors are standard Gaussian (complex: independent real and imaginary parts)
// drawn from `seed` on the CPU and moved to `device`.

// Dot-product test: |<A x, y> − <x, Aᴴ y>| / (‖A x‖ ‖y‖) ≤ tolerance  (Cauchy–Schwarz normalised).
::testing::AssertionResult is_adjoint(const LinearOperator& op, torch::ScalarType dtype, torch::Device device,
                                      double tolerance, uint64_t seed = 1);

// ‖A(a x₁ + b x₂) − (a A x₁ + b A x₂)‖ ≤ tolerance · (|a|‖A x₁‖ + |b|‖A x₂‖).
::testing::AssertionResult is_linear(const LinearOperator& op, torch::ScalarType dtype, torch::Device device,
                                     double tolerance, uint64_t seed = 2);

// ‖normal(x) − adjoint(apply(x))‖ ≤ tolerance · ‖adjoint(apply(x))‖.
::testing::AssertionResult normal_matches_adjoint_of_apply(const LinearOperator& op, torch::ScalarType dtype,
                                                           torch::Device device, double tolerance,
                                                           uint64_t seed = 3);

// apply/adjoint/normal throw ShapeMismatch for tensors with one element too many or one dimension too
// many, and for the wrong field (complex into a real-only space and vice versa).
::testing::AssertionResult rejects_wrong_shape(const LinearOperator& op, torch::ScalarType dtype,
                                               torch::Device device);

// Standard Gaussian tensor of `shape` (see above).
torch::Tensor random_tensor(const Shape& shape, torch::ScalarType dtype, torch::Device device, uint64_t seed);

// The dtypes an operator is tested with at a given real precision: real and/or complex per its fields.
std::vector<torch::ScalarType> contract_dtypes(const LinearOperator& op, torch::ScalarType real_precision);

}  // namespace diffrecon::testing
