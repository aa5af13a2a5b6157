#pragma once

#include <torch/types.h>

#include "core/measurement.h"
#include "core/volume.h"
#include "pipelines/mri/mri_problem.h"
#include "pipelines/tv_directions.h"

namespace diffrecon {

enum class CoilCombination {
  kSense,  // Σ_c conj(S_c) Fᴴ y_c with the measurement's (or estimated) maps
  kRss,    // √(Σ_c |Fᴴ y_c|²), no maps needed
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

// Classical reconstructions of an MRI measurement, computed on `device`; the result is the magnitude
// image, float32 [Z, Y, X] on that device with the measurement's geometry.
Volume zero_filled_reconstruction(const Measurement& m, const ZeroFilledConfig& config, torch::Device device);
Volume cg_sense_reconstruction(const Measurement& m, const CgSenseConfig& config, torch::Device device);
Volume mri_admm_tv_reconstruction(const Measurement& m, const MriAdmmTvConfig& config, torch::Device device);

}  // namespace diffrecon
