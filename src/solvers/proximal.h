#pragma once

#include <torch/types.h>

namespace diffrecon {

// Proximal map of t‖·‖₁ (element-wise soft thresholding, anisotropic):
//   real:    sign(v) · max(|v| − t, 0)
//   complex: v · max(1 − t / |v|, 0)        (shrinks the magnitude, keeps the phase)
torch::Tensor soft_threshold(const torch::Tensor& v, double t);

// ‖v‖₁ = Σ |v_i| (magnitudes for complex), accumulated in double.
double l1_norm(const torch::Tensor& v);

}  // namespace diffrecon
