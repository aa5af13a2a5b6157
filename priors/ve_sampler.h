#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "priors/denoiser.h"

namespace diffrecon {

// Song et al.'s predictor–corrector sampler of the reverse VE SDE (score_sde's pc_sampler, as
// DiffusionMBIR and TPDM run it), on decreasing noise levels σ_0 > σ_1 > … > σ_{N−1}. Step i:
//   corrector (Langevin, `corrector_steps` times): g = s(x, σ_i), z ~ N(0, I),
//     ε = 2 (snr ‖z‖ / ‖g‖)², x̄ = x + ε g, x = x̄ + √(2ε) z   (norms per image, averaged over the batch)
//   predictor (reverse diffusion): G² = σ_i² − σ_{i+1}² (σ_N = 0), x̄ = x + G² s(x, σ_i), x = x̄ + G z
// with the score s(x, σ) = (D(x; σ) − x) / σ². Returns x̄ of the last step (noise-free), as the
// official code does.
struct VePredictorCorrectorOptions {
  double snr = 0.16;
  int corrector_steps = 1;
};

// Starts from x (a state at noise level sigmas[0]); draws from `generator` (CPU). `on_step(i, x)` is
// called after step i with the current state (a hook for data consistency: it may modify x in place).
torch::Tensor ve_predictor_corrector(const Denoiser& denoiser, torch::Tensor x, const std::vector<double>& sigmas,
                                     at::Generator& generator, const VePredictorCorrectorOptions& options = {},
                                     const std::function<void(int64_t, torch::Tensor&)>& on_step = {});

// The two halves of a step, for samplers that interleave their own updates (DiffusionMBIR, TPDM).
// `score(x, σ)` is ∇ log p_σ(x); images are the slices of the first dimension (norms per slice).
using ScoreFunction = std::function<torch::Tensor(const torch::Tensor& x, double sigma)>;
struct VeStepResult {
  torch::Tensor x;     // with the step's noise
  torch::Tensor mean;  // without it (x̄)
};
VeStepResult langevin_corrector_step(const ScoreFunction& score, const torch::Tensor& x, double sigma, double snr,
                                     at::Generator& generator);
VeStepResult reverse_diffusion_step(const ScoreFunction& score, const torch::Tensor& x, double sigma,
                                    double next_sigma, at::Generator& generator);

// `count` levels from sigma_start down to sigma_min, geometrically spaced.
std::vector<double> geometric_sigmas(double sigma_start, double sigma_min, int64_t count);

}  // namespace diffrecon
