#pragma once

#include <cstdint>

#include "core/measurement.h"
#include "core/volume.h"
#include "pipelines/dds.h"
#include "priors/noise_schedule.h"
#include "priors/slice_prior.h"

namespace diffrecon {

// DiffusionMBIR (Chung et al., CVPR 2023; reference/diffusion_methods.md §2.1) for CT: the VE
// predictor–corrector sampler from x ~ N(0, σ_max² I), each step (reverse-diffusion predictor, one
// Langevin corrector step at snr 0.16) followed by one ADMM iteration of ½‖A x − y‖² + λ‖D_z x‖₁
// (circular D_z) with one CG iteration, (z, u) shared across all steps; at the end the normalised
// back-projection step x ← x + Aᵀ(y − A x) / Aᵀ(A 1). Defaults are the official CT script's
// (N = 2000, λ 0.04, ρ 10, scaled as in dds_ct.h). Deviation: the network is queried at
// the discrete σ_i of the step, not at the continuous σ(t) between grid points.
struct DiffusionMbirCtConfig {
  int steps = 2000;  // N noise levels from σ_max to σ_min
  double snr = 0.16;
  double lambda = 0.04;
  double rho = 10;
  int cg_iterations = 1;
  double intensity_scale = 0;  // as DdsCtConfig: 0 estimates it from the FBP image
  bool final_back_projection = true;
  VeSchedule schedule;         // σ_min, σ_max (levels = steps)
};

Volume diffusion_mbir_ct_reconstruction(const Measurement& measurement, const SlicePrior& prior,
                                        const DiffusionMbirCtConfig& config, torch::Device device, uint64_t seed,
                                        SamplerReport* report = nullptr);

}  // namespace diffrecon
