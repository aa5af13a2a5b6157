#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "priors/denoiser.h"

namespace diffrecon {

// Karras et al.'s deterministic sampler (EDM, Algorithm 1): the probability-flow ODE
// dx/dσ = (x − D(x; σ)) / σ integrated by Heun's method from σ_max down to 0 on the grid
// σ_i = (σ_max^(1/ρ) + i/(N − 1) (σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ, i < N, σ_N = 0 (the last step is Euler).
// Unconditional samples, to check a prior by eye and to test the sampler plumbing analytically.
struct EdmSamplerOptions {
  int64_t steps = 50;
  double sigma_min = 0.002;
  double sigma_max = 80;
  double rho = 7;
};

// The N + 1 noise levels, decreasing, ending in 0.
std::vector<double> karras_sigmas(const EdmSamplerOptions& options);

// Samples of `shape` [B, C, H, W] starting from σ_max · N(0, I) drawn from `generator` (CPU), computed on
// `device`. `on_step(i)` is called after step i (0-based) when given.
torch::Tensor edm_sample(const Denoiser& denoiser, at::IntArrayRef shape, at::Generator& generator,
                         const EdmSamplerOptions& options = {}, const torch::Device& device = torch::kCPU,
                         const std::function<void(int64_t)>& on_step = {});

}  // namespace diffrecon
