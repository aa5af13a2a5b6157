#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

namespace diffrecon {

// The one quantity every sampler needs: the Tweedie estimate D(x̃; σ) = E[x0 | x̃] for the
// variance-exploding corruption x̃ = x0 + σ n, n ~ N(0, I). VE samplers (DiffusionMBIR, TPDM) call it
// directly; VP/DDIM samplers (DDS, DDIP) through vp_x0 / vp_eps below, so one trained model serves all
// four methods.
class Denoiser {
 public:
  virtual ~Denoiser() = default;

  // x [B, channels, H, W] (H, W multiples of size_multiple()), sigma [B] > 0 → E[x0 | x] of x's shape.
  // Differentiable in x unless called under c10::InferenceMode.
  virtual torch::Tensor denoise(const torch::Tensor& x, const torch::Tensor& sigma) const = 0;
  virtual int64_t channels() const = 0;
  virtual int64_t size_multiple() const = 0;
  virtual void to(const torch::Device& device) = 0;
};

// D(x; σ) with one σ for the whole batch.
torch::Tensor denoise(const Denoiser& denoiser, const torch::Tensor& x, double sigma);

// VE score ∇ log p_σ(x) = (D(x; σ) − x) / σ² (Tweedie).
torch::Tensor ve_score(const Denoiser& denoiser, const torch::Tensor& x, double sigma);

// VP state x_t = √ᾱ x0 + √(1 − ᾱ) ε is the VE state x_t / √ᾱ at σ = √((1 − ᾱ) / ᾱ):
// x0 estimate = D(x_t / √ᾱ; σ), ε estimate = (x_t − √ᾱ x0) / √(1 − ᾱ).
torch::Tensor vp_x0(const Denoiser& denoiser, const torch::Tensor& x_t, double alpha_bar);
torch::Tensor vp_eps(const Denoiser& denoiser, const torch::Tensor& x_t, double alpha_bar);

// The noise the priors are trained with, N(0, 1) per real channel: for a complex tensor (fed to the
// network as two channels) both the real and the imaginary part have unit variance. Drawn on the CPU
// from `generator` (so results do not depend on the device) and moved to `device`.
torch::Tensor standard_normal(at::IntArrayRef shape, bool complex, at::Generator& generator, torch::Device device);

}  // namespace diffrecon
