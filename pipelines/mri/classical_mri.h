#pragma once

#include <torch/types.h>

#include <cstdint>

#include "core/measurement.h"
#include "core/volume.h"
#include "pipelines/mri/mri_problem.h"
#include "pipelines/tv_directions.h"

namespace diffrecon {

enum class CoilCombination {
  kSense,  // Σ_c conj(S_c) Fᴴ y_c / Σ_c |S_c|² with the measurement's (or estimated) maps: Aᴴy, the maps
           // being normalised (mri_problem.h's coil_maps_of)
  kRss,  // √(Σ_c |Fᴴ y_c|²), no maps needed
};

struct ZeroFilledConfig {
  CoilCombination combination = CoilCombination::kSense;
  CoilMapSource maps = CoilMapSource::kAuto;
};

// min_x ‖A x − y‖² + λ‖x‖² by CG on (AᴴA + λI) x = Aᴴy from 0; λ = 0 is plain CG-SENSE.
struct CgSenseConfig {
  int iterations = 30;
  double lambda = 0.0;
  double tolerance = 1e-6;
  CoilMapSource maps = CoilMapSource::kAuto;
};

// min_x ½‖A x − y‖² + λ' TV(x) by ADMM from the zero-filled (SENSE-combined) image, TV built on the
// finite differences D in `directions` (in-plane by default: 2D acquisitions):
//   isotropic:    TV(x) = Σ_r √(Σ_d |D_d x(r)|²)   (joint shrinkage of the differences at a voxel, BART's
//                 pics -R T:3:0:λ)
//   anisotropic:  TV(x) = Σ_d ‖D_d x‖₁
// λ is given for an image scaled to [0, 1]: λ' = λ c with c the intensity scale of the zero-filled image
// (pipelines/intensity_scale.h); with unitary F and Σ|S_c|² = 1, AᴴA has norm 1, so ρ needs no scaling.
// Runs until Boyd's relative primal/dual rule (solvers/admm.h) meets `tolerance`, at most `iterations`;
// each x-update is CG from the previous x, stopped at `cg_iterations` or a residual of cg_tolerance ‖b‖.
// λ chosen on the Colin27 training part (×8 Poisson disc, 8 coils, noiseless; README "Against BART"):
// PSNR axial 28.43 / 31.61 / 34.20 / 35.47 / 36.75 dB at λ = 0.01 / 0.003 / 0.001 / 0.0005 / 0.0002. Smaller
// keeps gaining on noiseless data but slows ADMM (68 s against 36 s at 0.0005) and under-regularises
// noisy scanner data (give --lambda). ρ tuned on the 3D Shepp–Logan phantom; the tolerances were set on bench/mri against BART run to convergence (they decide how close
// to the minimiser ADMM stops, not what it minimises). The CG tolerance lies below the ADMM one: inexact
// x-updates would hold the residuals above it.
struct MriAdmmTvConfig {
  double lambda = 0.0005;
  double rho = 0.1;
  int iterations = 300;
  double tolerance = 1e-3;
  int cg_iterations = 10;
  double cg_tolerance = 1e-4;
  TvDirections directions = TvDirections::kXy;
  TvNorm norm = TvNorm::kIsotropic;
  CoilMapSource maps = CoilMapSource::kAuto;
};

// min_x ½‖A x − y‖² + λ' ‖W x‖₁ with W the orthogonal Daubechies wavelet in-plane (operators/
// daubechies_wavelet.h, each slice on its own, every coefficient thresholded as BART's pics -l1 does), by
// FISTA (solvers/fista.h) from the zero-filled image with step 1/max|M|² (‖AᴴA‖ ≤ max|M|² on normalised
// maps and unitary F). Against the blocks of the wavelet grid, each proximal step draws K random cyclic
// shifts s_k ∈ [0, 2^levels)² (BART's cycle spinning draws one) and averages their shrinkages,
//   prox(v, t) = (1/K) Σ_k S₋ₛₖ Wᴴ soft(W Sₛₖ v, λ' t),
// which lowers the iterate-to-iterate fluctuation a single shift leaves; the result is the exponential
// average x̄_k = (1 − β) x_k + β x̄_{k−1} of the iterates (β = `averaging`). Stops when
// ‖x̄_k − x̄_{k−1}‖ ≤ tolerance · ‖x̄_k‖ or after `iterations`. λ is given for an image scaled to [0, 1], as
// ADMM-TV's: λ' = λ c with c the intensity scale of the zero-filled image. The shifts are drawn from
// `seed`. K, β and the tolerance were set on bench/mri (single shifts: PSNR spread over seeds of 2.8 dB
// at 100 iterations; K = 4: 0.13 dB). λ chosen as ADMM-TV's on the Colin27 training part: PSNR axial
// 31.03 / 33.62 / 35.64 / 37.16 / 38.07 dB at λ = 0.005 / 0.002 / 0.001 / 0.0005 / 0.0002.
struct CsWaveletConfig {
  double lambda = 0.0005;
  int iterations = 100;
  double tolerance = 1e-3;
  int vanishing_moments = 2;  // Daubechies order p (1 Haar … 4); 2 is BART's dau2
  bool random_shifts = true;
  int shifts_per_iteration = 4;
  double averaging = 0.8;
  uint64_t seed = 0;
  CoilMapSource maps = CoilMapSource::kAuto;
};

// Classical reconstructions of an MRI measurement, computed on `device`; the result is the magnitude
// image, float32 [Z, Y, X] on that device with the measurement's geometry.
Volume zero_filled_reconstruction(const Measurement& m, const ZeroFilledConfig& config, torch::Device device);
Volume cg_sense_reconstruction(const Measurement& m, const CgSenseConfig& config, torch::Device device);
Volume mri_admm_tv_reconstruction(const Measurement& m, const MriAdmmTvConfig& config, torch::Device device);
Volume cs_wavelet_reconstruction(const Measurement& m, const CsWaveletConfig& config, torch::Device device);

}  // namespace diffrecon
