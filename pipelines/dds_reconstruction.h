#pragma once

#include <cstdint>

#include "core/measurement.h"
#include "pipelines/dds.h"
#include "pipelines/diffusion_problem.h"
#include "priors/slice_prior.h"

namespace diffrecon {

// How DDS makes each Tweedie estimate x̂0 consistent with the measurement y (reference/
// diffusion_methods.md §4.1):
enum class DdsConsistency {
  kAdmmTvZ,         // one ADMM iteration of ½‖A x − y‖² + λ‖D_z x‖₁ (circular D_z) from x̂0 with K CG
                    // iterations, (z, u) persistent across steps: the official 3D default
  kCg,              // K CG iterations on AᴴA x = Aᴴy from x̂0 (the official 2D, noiseless default)
  kCgRegularized,   // K CG iterations on (I + γAᴴA) x = x̂0 + γAᴴy from x̂0 (the official noisy-data form)
};

// "admm-tv-z", "cg", "cg-regularized"; parse throws InvalidArgument for anything else.
const char* to_string(DdsConsistency consistency);
DdsConsistency parse_dds_consistency(const std::string& name);

// ρ, λ, γ are in the official code's units (DiffusionProblem carries them over).
struct DdsConfig {
  int steps = 50;
  double eta = 0.85;
  DdsConsistency consistency = DdsConsistency::kAdmmTvZ;
  int cg_iterations = 5;
  double lambda = 0.04;
  double rho = 10;
  double gamma = 1;
};

// The defaults per modality:
//  CT: the official 3D sparse-view script (eval_SVCT_3d.sh): 50 steps, η 0.85, one ADMM-TV-z
//      iteration with 5 CG iterations, ρ 10, λ 0.04 (0.4 is the official limited-angle value).
//  MRI: the official (2D) form for noiseless data, kCg with 5 CG iterations, 50 steps, η 0.85. On the
//      training part of Colin27 (×8 Poisson-disc, 8 coils) it gave 37.6 dB against 32.4 for kAdmmTvZ
//      and 29.1 for kCgRegularized. For kAdmmTvZ, ρ 0.01 and λ 0.005 (DiffusionMBIR's BRATS script,
//      the only official 3D MRI weights); γ = 1 for kCgRegularized is the official multi-coil value.
DdsConfig dds_defaults(Modality modality);

// DDS on a diffusion problem with the prior along its plane: x in measurement units on `device`
// (complex for a complex problem). Deterministic given `seed`.
// `hooks` reach into the sampler (DDIP).
torch::Tensor dds_reconstruction(const DiffusionProblem& problem, const SlicePrior& prior, const DdsConfig& config,
                                 torch::Device device, uint64_t seed, SamplerReport* report = nullptr,
                                 const DdsHooks& hooks = {});

}  // namespace diffrecon
