#pragma once

#include <ATen/core/Generator.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/measurement.h"
#include "pipelines/dds_reconstruction.h"
#include "pipelines/diffusion_problem.h"
#include "priors/edm_denoiser.h"
#include "priors/lora.h"
#include "priors/prior_model.h"
#include "priors/slice_prior.h"

namespace diffrecon {

// DDIP / D3IP (Chung & Ye, ECCV 2024; reference/diffusion_methods.md §5): DDS whose prior adapts to
// the measurement while it samples. A copy of the prior's UNet gets LoRA adapters (priors/lora.h); at
// each DDS step with t in [adapt_t_min, adapt_t_max], a fresh AdamW runs `adapt_steps` steps, each on
// `adapt_slices` random slices of x_t along the prior's plane, minimising
//   mean |A x₁ − y|²,   x₁ = one CG iteration on AᴴA x = Aᴴy from x̂0,
// where x̂0 is the adapted network's Tweedie estimate of those slices placed into the last
// data-consistent estimate of the volume (the official code restricts A to the chosen slices, which
// our volumetric operators need not allow; for slice-wise A both give the same gradients up to the
// CG step size, which we take over the whole volume). Then the DDS step runs with the adapted network.
struct DdipConfig {
  DdsConfig dds;           // the sampling, data consistency included
  LoraOptions lora;        // rank 4, scale 1, dropout 0.1 while adapting
  int adapt_steps = 10;    // optimiser steps per sampling step
  int adapt_slices = 3;    // slices per optimiser step
  double learning_rate = 1e-3;
  int adapt_t_min = 20;    // adapt at the sampling steps with t in [adapt_t_min, adapt_t_max]
  int adapt_t_max = 980;
};

// DDIP's adaptation of a prior to one measurement: a LoRA-adapted copy of the prior's network (the
// prior itself is not modified; it must be a native model, an EdmDenoiser, not a TorchScript module).
class PriorAdaptation {
 public:
  PriorAdaptation(const DiffusionProblem& problem, const SlicePrior& prior, const DdipConfig& config, uint64_t seed);

  // config.adapt_steps AdamW steps (a fresh optimiser) on the loss above, for the VP state x_t at ᾱ
  // with `estimate` the current x̂0 of the whole volume (prior units). Returns each step's loss.
  std::vector<double> adapt(const torch::Tensor& x_t, double alpha_bar, const torch::Tensor& estimate);

  const SlicePrior& prior() const { return *adapted_; }
  // The adapted network with the adapters merged into its weights (ends the adaptation).
  NamedTensors merged_parameters();

 private:
  const DiffusionProblem& problem_;
  DdipConfig config_;
  std::shared_ptr<EdmDenoiser> network_;
  std::unique_ptr<SlicePrior> adapted_;
  std::vector<torch::Tensor> parameters_;
  OperatorPtr normal_;
  at::Generator pick_;
};

// The official scripts' values (eval_CT_3d.sh, eval_MRI_3d.sh): CT adapt_steps 10 and CG consistency
// (5 iterations), the D3IP base variant; MRI adapt_steps 5 with DDS's MRI defaults (noiseless data:
// CG). The "+MBIR" variant is dds.consistency = admm-tv-z with ρ 0.5, λ 0.01 (one ADMM iteration per
// step where the official code runs five).
DdipConfig ddip_defaults(Modality modality);

// x in measurement units on `device`. The prior must be a native model (an EdmDenoiser, not a
// TorchScript module); it is not modified. With `keep_adapted`, report->adapted_parameters receives the
// adapted network with the adapters merged into its weights. Deterministic given `seed`.
torch::Tensor ddip_reconstruction(const DiffusionProblem& problem, const SlicePrior& prior, const DdipConfig& config,
                                  torch::Device device, uint64_t seed, SamplerReport* report = nullptr,
                                  bool keep_adapted = false);

}  // namespace diffrecon
