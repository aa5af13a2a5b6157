#pragma once

#include <torch/types.h>

#include <cstdint>

#include "operators/linear_operator.h"

namespace diffrecon {

struct PowerIterationOptions {
  int max_iterations = 100;
  double tolerance = 1e-6;  // stop when the estimate of ‖A‖² changes by less than tolerance (relative)
  uint64_t seed = 0;        // start vector: standard normal from this seed (drawn on the CPU)
  torch::ScalarType dtype = torch::kFloat;  // real dtype; the complex counterpart is used for complex domains
};

struct PowerIterationResult {
  double norm = 0;  // estimate of the largest singular value ‖A‖₂ (from below)
  int iterations = 0;
  bool converged = false;
};

// Estimates ‖A‖₂ = sqrt(λ_max(AᴴA)) by power iteration on A.normal, on the operator's device (CPU when it
// holds no tensors).
PowerIterationResult operator_norm(const LinearOperator& a, const PowerIterationOptions& options = {});

}  // namespace diffrecon
