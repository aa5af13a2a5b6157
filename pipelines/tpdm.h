#pragma once

#include <ATen/core/Generator.h>

#include <cstdint>
#include <limits>

#include "core/measurement.h"
#include "pipelines/dds.h"
#include "pipelines/diffusion_problem.h"
#include "priors/noise_schedule.h"
#include "priors/slice_prior.h"

namespace diffrecon {

// Which prior a TPDM step uses: with an alternation K,
//   K integral:       K − 1 primary steps, then one auxiliary (step i is auxiliary iff i mod K = K − 1);
//   K not integral:   each step auxiliary with probability 1/K (drawn from `generator`);
//   K = ∞:            never auxiliary (primary-only DPS).
// K > 1 (throws InvalidArgument otherwise).
class TpdmAlternation {
 public:
  explicit TpdmAlternation(double k);
  bool primary_turn(int64_t step, at::Generator& generator) const;

 private:
  double k_;
};

// TPDM (Lee et al., ICCV 2023; reference/diffusion_methods.md §3): two 2D priors on perpendicular
// planes share one VE predictor–corrector run from x ~ N(0, σ_max² I). A primary step denoises along
// the primary prior's plane and follows both the Langevin corrector and then the reverse-diffusion
// predictor (the official order) with a DPS step
//   x ← x − w ∇_x ‖A x̂0(x) − y‖,   x̂0(x) = D(x; σ) (Tweedie),
// the gradient taken through the network (SlicePrior::denoise_vjp); an auxiliary step runs corrector
// and predictor with the auxiliary prior and no data term. As the official code, the predictor's
// noise is dropped (each step keeps the predictor's mean). Units: w is the official weight; our
// gradient is taken in the prior's units, divided by √s (DiffusionProblem::normal_scale) and scaled
// by √(N/6), N the slices of the primary plane, which equals the official sum over batches of 6
// slices (each with its own norm) when the residual spreads evenly over the slices: w does not
// depend on the memory budget or the volume's depth. Deviation: the network is queried at the
// discrete σ_i of the step.
struct TpdmConfig {
  int steps = 2000;
  double snr = 0.16;
  double alternation = 2;   // K
  double dps_weight = 1;    // w
  // Start from x = A⁺y/c + (I − A⁺A) σ_max z (the measured component and prior noise elsewhere), as
  // the official z-SR does; A⁺ = Aᴴ(AAᴴ)⁻¹ by CG (exact in few iterations when AAᴴ is diagonal).
  bool start_from_measurement = false;
  VeSchedule schedule;  // σ_min, σ_max (levels = steps)
};

// The official scripts' values: CT (run_tpdm_svct.py) w 0.025, K 2.7; MRI (run_tpdm_csmri.py, ×8)
// w 0.002, K 2; z-SR (run_tpdm_mrzsr.py) w = f − 1 (1, 2, 3, 4 for f = 2 … 5; at least 1), K 2,
// starting from the measurement. 2000 steps, snr 0.16.
TpdmConfig tpdm_defaults(Modality modality, int64_t slice_factor = 1);

// x in measurement units on `device` (complex for a complex problem). The two priors must lie on
// different planes and suit the unknown. Deterministic given `seed`.
torch::Tensor tpdm_reconstruction(const DiffusionProblem& problem, const SlicePrior& primary,
                                  const SlicePrior& auxiliary, const TpdmConfig& config, torch::Device device,
                                  uint64_t seed, SamplerReport* report = nullptr);

}  // namespace diffrecon
