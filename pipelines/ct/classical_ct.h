#pragma once

#include <torch/types.h>

#include <string>

#include "core/measurement.h"
#include "core/volume.h"
#include "operators/ct/ramp_filter.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/intensity_scale.h"
#include "pipelines/tv_directions.h"

namespace diffrecon {

// The physical constraints of the CT methods: attenuation is non-negative, and voxels outside the
// measured field of view are zero. The iterative methods enforce them in every iteration (a projection
// onto {x ≥ 0, x = 0 outside}); FBP applies the field of view only.
struct CtConstraints {
  bool positivity = true;
  FieldOfView field_of_view = FieldOfView::kMeasured;
};

struct FbpConfig {
  RampWindow window = RampWindow::kRamLak;
  FieldOfView field_of_view = FieldOfView::kMeasured;
};

// CGLS semi-converges on sparse-view data: the iteration count is the regulariser. CGLS has no room
// for a constraint inside its recursion: the constraints are applied to its result (a projection).
struct CglsConfig {
  int iterations = 20;
  CtConstraints constraints;
};

// min_x ½‖A x − y‖² + λ' ‖D x‖₁ by ADMM (solvers/admm.h) from the FBP image, Neumann differences.
// λ and ρ are given in the official DiffusionMBIR code's units — the volume scaled to [0, 1] and its
// projector (operators/ct/parallel_beam.h) — so that one setting works across sizes, view counts and
// attenuation ranges; the solver runs with
//   ρ' = ρ κ,  λ' = λ κ c,  κ = (2V/π) · p³ / d   (V views, p = √(p_x p_y) and d the pixel and bin
//   spacings in mm: AᵀA of ours is κ times the official AT A),
// c the intensity scale (99.9th percentile of the FBP image, the stand-in for the official [0, 1]).
// Defaults: λ and ρ deviate from DiffusionMBIR's (λ = 0.04, ρ = 10, tuned for one ADMM step per
// diffusion step; the ADMM-TV baseline's own values are not published, reference/diffusion_methods.md
// §2): tuned on the 64³ 3D Shepp–Logan phantom with 8 views (λ ∈ [0.005, 0.1], ρ ∈ [0.03, 10]:
// 18.8 dB at the official pair, 22.1 dB here, FBP 12.3 dB), never on Colin27. 20 CG iterations per
// x-update are the official get_ADMM_TV default; instead of its fixed 30 outer iterations ADMM stops on
// its relative primal and dual residuals (solvers/admm.h): 1 % is met after about 30 iterations on 8-view
// Colin27 (training part), up to 100.
struct AdmmTvConfig {
  double lambda = 0.02;
  double rho = 0.1;
  int iterations = 100;
  int cg_iterations = 20;
  TvDirections directions = TvDirections::kXyz;
  TvNorm norm = TvNorm::kAnisotropic;
  double tolerance = 0.01;  // 0 runs all iterations
  CtConstraints constraints;
};

// min_x ½‖Â x̂ − ŷ‖² + λ‖D x̂‖₁ + ι_C(x̂) by Chambolle–Pock (solvers/primal_dual.h), in units where the
// problem does not depend on the scanner: x̂ = x / c (c the intensity scale of the FBP image, as for
// ADMM-TV), Â = A / ‖A‖ and ŷ = y / (c‖A‖), so λ weighs TV against a data term of unit operator norm on an
// image in [0, 1]; C the constraints. Stops when the relative change of x falls below `tolerance`.
// Defaults chosen on the training part of Colin27 (8 views; README "Classical CT"), never on its test slab.
struct PrimalDualTvConfig {
  double lambda = 1e-4;
  int iterations = 1000;
  double tolerance = 2e-4;
  double primal_step = 3.0;  // τ of solvers/primal_dual.h, in the normalised units above
  TvDirections directions = TvDirections::kXyz;
  TvNorm norm = TvNorm::kIsotropic;
  CtConstraints constraints;
};

// Classical reconstructions of a CT measurement (ct_problem.h), computed on `device`, returned as a
// float32 volume on that device with the measurement's geometry. Iterative methods report progress.
Volume fbp_reconstruction(const Measurement& measurement, const FbpConfig& config, torch::Device device);
Volume cgls_reconstruction(const Measurement& measurement, const CglsConfig& config, torch::Device device);
Volume admm_tv_reconstruction(const Measurement& measurement, const AdmmTvConfig& config, torch::Device device);
Volume primal_dual_tv_reconstruction(const Measurement& measurement, const PrimalDualTvConfig& config,
                                     torch::Device device);

}  // namespace diffrecon
