#pragma once

#include <cstdint>

#include "core/measurement.h"
#include "core/volume.h"
#include "pipelines/dds.h"
#include "priors/slice_prior.h"

namespace diffrecon {

// How DDS makes each Tweedie estimate x̂0 consistent with the measurement y (§4.1 of
// reference/diffusion_methods.md):
enum class DdsConsistency {
  kAdmmTvZ,  // one ADMM iteration of ½‖A x − y‖² + λ‖D_z x‖₁ (circular D_z) from x̂0 with K CG
             // iterations, (z, u) persistent across steps: the official 3D default
  kCg,       // K CG iterations on AᴴA x = Aᴴy from x̂0 (the official 2D default)
};

// Defaults: the official 3D sparse-view CT script (eval_SVCT_3d.sh): 50 steps, η 0.85, one ADMM
// iteration with 5 CG iterations, ρ 10, λ 0.04 (0.4 for limited angle), in the official units: the
// solver runs with ρ' = ρs, λ' = λsc, s = official_normal_scale (ct_problem.h: our λ_max(AᴴA) over the
// official 389), c the intensity scale — so the defaults hold for any image size and view count.
struct DdsCtConfig {
  int steps = 50;
  double eta = 0.85;
  DdsConsistency consistency = DdsConsistency::kAdmmTvZ;
  int cg_iterations = 5;
  double lambda = 0.04;
  double rho = 10;
  // The attenuation (1/mm) that the prior's intensity 1 stands for; 0 estimates it as the 99.9th
  // percentile of the FBP image (pipelines/intensity_scale.h).
  double intensity_scale = 0;
};

// DDS for a CT measurement with a real (1-channel) prior applied along its plane; float32 volume on
// `device` with the measurement's geometry. Deterministic given `seed`.
Volume dds_ct_reconstruction(const Measurement& measurement, const SlicePrior& prior, const DdsCtConfig& config,
                             torch::Device device, uint64_t seed, SamplerReport* report = nullptr);

}  // namespace diffrecon
