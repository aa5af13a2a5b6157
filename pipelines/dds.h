#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <functional>

#include "priors/noise_schedule.h"
#include "priors/prior_model.h"
#include "priors/slice_prior.h"

namespace diffrecon {

// Time spent inside and outside the network during a diffusion reconstruction.
struct SamplerReport {
  double total_seconds = 0;
  double network_seconds = 0;       // includes adaptation_seconds
  int64_t network_evaluations = 0;  // per slice (NFE), inference only
  double adaptation_seconds = 0;    // DDIP: adapting the prior (forward and backward passes, the loss's operators)
  NamedTensors adapted_parameters;  // DDIP: the adapted network, as a model file holds it (when asked for)
};

// DDS's sampler (Chung, Lee, Ye, ICLR 2024; reference/diffusion_methods.md §1.5, §4): VP/DDIM steps
// on the pairs (t, t') of VpSchedule::sampling_times(steps) followed by t' = −1. At each step
//   x̂0 = Tweedie estimate of x_t (the prior as a VE denoiser at x_t/√ᾱ_t, σ = √((1 − ᾱ_t)/ᾱ_t)),
//   ε̂ = (x_t − √ᾱ_t x̂0) / √(1 − ᾱ_t),
//   x̂0 ← data_consistency(x̂0)            (in the measurement's units: the prior's times `scale`)
//   x_t' = √ᾱ_t' x̂0 + η √(1 − ᾱ_t') z + √(1 − η²) √(1 − ᾱ_t') ε̂     (the official c1/c2 split)
// and the last step returns x̂0. x_T ~ N(0, I) of `shape` (complex when `complex`).
struct DdsSamplerConfig {
  int steps = 50;
  double eta = 0.85;
  VpSchedule schedule;
};

// x0 (measurement units) → its data-consistent correction.
using DataConsistency = std::function<torch::Tensor(const torch::Tensor& x0)>;

// Calls into a DDS run, in the prior's units: before_step(i, t, ᾱ_t, x_t) before step i's network
// call (DDIP adapts the prior there), after_step(i, x̂0) with the data-consistent estimate of step i.
struct DdsHooks {
  std::function<void(int step, int t, double alpha_bar, const torch::Tensor& x_t)> before_step;
  std::function<void(int step, const torch::Tensor& x0)> after_step;
};

torch::Tensor dds_sample(const SlicePrior& prior, at::IntArrayRef shape, bool complex, double scale,
                         const DataConsistency& data_consistency, const DdsSamplerConfig& config,
                         at::Generator& generator, torch::Device device, SamplerReport* report = nullptr,
                         const DdsHooks& hooks = {});

}  // namespace diffrecon
