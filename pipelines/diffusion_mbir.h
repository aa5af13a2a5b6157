#pragma once

#include <cstdint>

#include "core/measurement.h"
#include "pipelines/dds.h"
#include "pipelines/diffusion_problem.h"
#include "priors/noise_schedule.h"
#include "priors/slice_prior.h"

namespace diffrecon {

// DiffusionMBIR (Chung et al., CVPR 2023; reference/diffusion_methods.md §2.1): the VE predictor–
// corrector sampler from x ~ N(0, σ_max² I), each step (reverse-diffusion predictor, one Langevin
// corrector step at snr 0.16) followed by one ADMM iteration of ½‖A x − y‖² + λ‖D_z x‖₁ (circular
// D_z) with one CG iteration, (z, u) shared across all steps; for CT, at the end, the normalised
// back-projection step x ← x + Aᴴ(y − A x) / Aᴴ(A 1). ρ, λ in the official units (DiffusionProblem
// carries them over). Deviation: the network is queried at the discrete σ_i of the step, not at the
// continuous σ(t) between grid points.
struct DiffusionMbirConfig {
  int steps = 2000;  // N noise levels from σ_max to σ_min
  double snr = 0.16;
  double lambda = 0.04;
  double rho = 10;
  int cg_iterations = 1;
  bool final_back_projection = true;
  VeSchedule schedule;  // σ_min, σ_max (levels = steps)
};

// CT: the official CT script (N 2000, λ 0.04, ρ 10, final back projection). MRI: the official BRATS
// script (λ 0.005, ρ 0.01, no final step).
DiffusionMbirConfig diffusion_mbir_defaults(Modality modality);

// x in measurement units on `device` (complex for a complex problem). Deterministic given `seed`.
torch::Tensor diffusion_mbir_reconstruction(const DiffusionProblem& problem, const SlicePrior& prior,
                                            const DiffusionMbirConfig& config, torch::Device device, uint64_t seed,
                                            SamplerReport* report = nullptr);

}  // namespace diffrecon
