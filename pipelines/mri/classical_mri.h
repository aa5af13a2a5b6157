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

// min_x ½‖A x − y‖² + λ' ‖D x‖₁ by ADMM from the zero-filled (SENSE-combined) image, D the finite
// differences in `directions` (in-plane by default: 2D acquisitions), complex soft thresholding.
// λ is given for an image scaled to [0, 1]: λ' = λ c with c the intensity scale of the zero-filled image
// (pipelines/intensity_scale.h); with unitary F and Σ|S_c|² = 1, AᴴA has norm 1, so ρ needs no scaling.
// Defaults tuned on the 3D Shepp–Logan phantom (tests/pipelines, 8 birdcage coils, Poisson-disc ×8),
// never on Colin27.
struct MriAdmmTvConfig {
  double lambda = 0.01;
  double rho = 0.1;
  int iterations = 30;
  int cg_iterations = 10;
  TvDirections directions = TvDirections::kXy;
  CoilMapSource maps = CoilMapSource::kAuto;
};

// min_x ½‖A x − y‖² + λ' ‖W x‖₁ with W the orthogonal Daubechies wavelet in-plane (operators/
// daubechies_wavelet.h, each slice on its own, every coefficient thresholded as BART's pics -l1 does), by
// FISTA from the zero-filled image with step 1/max|M|² (‖AᴴA‖ ≤ max|M|² on normalised maps and unitary
// F). Each proximal step shifts the image by a random cyclic shift (s_y, s_x) ∈ [0, 2^levels)², as
// BART's cycle spinning does, so blocks of the wavelet grid leave no mark:
//   prox(v, t) = S₋ₛ Wᴴ soft(W Sₛ v, λ' t).
// Stops when ‖x_k − x_{k−1}‖ ≤ tolerance · ‖x_k‖ or after `iterations`. λ is given for an image scaled
// to [0, 1], as ADMM-TV's: λ' = λ c with c the intensity scale of the zero-filled image. The shifts are
// drawn from `seed`.
struct CsWaveletConfig {
  double lambda = 0.005;
  int iterations = 100;
  double tolerance = 1e-4;
  int vanishing_moments = 2;  // Daubechies order p (1 Haar … 4); 2 is BART's dau2
  bool random_shifts = true;
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
