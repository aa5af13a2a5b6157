#pragma once

#include <torch/types.h>

#include <vector>

namespace diffrecon {

// Noise schedules of the four methods (../shared/reference/diffusion_methods.md §1.4, §1.5) and the
// conversions between what a network predicts (x0, ε, score) in one place.
//
// One trained denoiser serves every sampler through the variance-exploding form x̃ = x0 + σ n,
// n ~ N(0, I): a VP state x_t = √ᾱ x0 + √(1 − ᾱ) ε is the VE state x̃ = x_t / √ᾱ at
// σ = √((1 − ᾱ) / ᾱ).

// VE (DiffusionMBIR, TPDM): σ(t) = σ_min (σ_max / σ_min)^t for t ∈ [0, 1], and `levels` discrete
// levels exp(linspace(log σ_min, log σ_max, levels)).
struct VeSchedule {
  double sigma_min = 0.01;
  double sigma_max = 378.0;
  int levels = 2000;

  double sigma(double t) const;
  std::vector<double> discrete_sigmas() const;  // increasing
};

// VP (DDS, DDIP): β_t linear from beta_start to beta_end over `steps` steps (t = 0 … steps − 1),
// ᾱ_t = Π_{s ≤ t} (1 − β_s), with ᾱ_{−1} = 1 (the official compute_alpha's padding).
struct VpSchedule {
  double beta_start = 1e-4;
  double beta_end = 0.02;
  int steps = 1000;

  std::vector<double> alpha_bars() const;  // [steps], decreasing
  double alpha_bar(int t) const;           // t ∈ [−1, steps − 1]
  // DDIM-style grid of `count` steps: t = steps − skip, …, skip, 0 (skip = steps / count), as DDS runs it.
  std::vector<int> sampling_times(int count) const;
};

// σ of the VE form equivalent to ᾱ: √((1 − ᾱ) / ᾱ).
double ve_sigma_of(double alpha_bar);

// VE form, x = x0 + σ n:  ε = (x − x0) / σ,  score ∇log p = (x0 − x) / σ² = −ε / σ.
torch::Tensor ve_eps_from_x0(const torch::Tensor& x, const torch::Tensor& x0, double sigma);
torch::Tensor ve_score_from_x0(const torch::Tensor& x, const torch::Tensor& x0, double sigma);
torch::Tensor ve_x0_from_score(const torch::Tensor& x, const torch::Tensor& score, double sigma);

// VP form, x_t = √ᾱ x0 + √(1 − ᾱ) ε:  x0 = (x_t − √(1 − ᾱ) ε) / √ᾱ (Tweedie),
// ε = (x_t − √ᾱ x0) / √(1 − ᾱ),  score = −ε / √(1 − ᾱ).
torch::Tensor vp_x0_from_eps(const torch::Tensor& x_t, const torch::Tensor& eps, double alpha_bar);
torch::Tensor vp_eps_from_x0(const torch::Tensor& x_t, const torch::Tensor& x0, double alpha_bar);
torch::Tensor vp_score_from_eps(const torch::Tensor& eps, double alpha_bar);

}  // namespace diffrecon
