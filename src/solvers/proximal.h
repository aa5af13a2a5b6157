#pragma once

#include <torch/types.h>

namespace diffrecon {

// Proximal map of t‖·‖₁ (element-wise soft thresholding, anisotropic):
//   real:    sign(v) · max(|v| − t, 0)
//   complex: v · max(1 − t / |v|, 0)        (shrinks the magnitude, keeps the phase)
// With groups > 1, v is read as `groups` equal blocks v_1 … v_G (a stacked gradient) and shrunk jointly,
// the proximal map of t Σ_i ‖(v_1[i], …, v_G[i])‖₂ (isotropic TV):  v_g[i] · max(1 − t / m[i], 0),
// m[i] = √(Σ_g |v_g[i]|²).
torch::Tensor soft_threshold(const torch::Tensor& v, double t, int groups = 1);

// Projection onto {p : ‖(p_1[i], …, p_G[i])‖₂ ≤ t for all i} (the dual ball of the grouped ℓ1 norm above;
// groups = 1 clamps each |p_i| to t): p_g[i] · min(1, t / m[i]).
torch::Tensor project_to_dual_ball(const torch::Tensor& p, double t, int groups = 1);

// Σ_i ‖(v_1[i], …, v_G[i])‖₂ (with groups = 1, ‖v‖₁ = Σ |v_i|; magnitudes for complex), in double.
double l1_norm(const torch::Tensor& v, int groups = 1);

}  // namespace diffrecon
