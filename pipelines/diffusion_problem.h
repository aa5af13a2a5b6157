#pragma once

#include <torch/types.h>

#include <memory>
#include <string>

#include "core/measurement.h"
#include "core/volume.h"
#include "operators/linear_operator.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/mri/mri_problem.h"
#include "priors/slice_prior.h"
#include "solvers/admm.h"

namespace diffrecon {

// What the diffusion pipelines (DDS, DiffusionMBIR, TPDM) need of a measurement, for any modality: the
// forward operator on the unknown x, the measurement in its range, Aᴴy, the intensity scale and how the
// official hyper-parameters carry over.
//
// The unknown is real for a real (1-channel) prior and complex for a complex (2-channel) one. For MRI
// with a real prior, A is the SENSE operator restricted to real images (operators/real_restriction.h):
// right for data without image phase (simulated from magnitude volumes, or phase-corrected), wrong for
// raw scanner data with phase, which needs a complex prior.
struct DiffusionProblem {
  Modality modality = Modality::kCt;
  OperatorPtr forward;
  torch::Tensor measurement;          // y in forward's range
  torch::Tensor adjoint_measurement;  // Aᴴy
  bool complex = false;
  double scale = 1;         // c: the attenuation / signal that the prior's intensity 1 stands for
  double normal_scale = 1;  // s: the official ρ, λ, γ act on our operator as ρs, λsc, γ/s
  torch::Tensor output_mask;  // CT: the field of view to keep, [Y, X] (ct_problem.h); undefined keeps all
};

// CT: the parallel-beam projector, s = official_normal_scale (ct_problem.h), c = `intensity_scale` or,
// when 0, the 99.9th percentile of the FBP image (pipelines/intensity_scale.h). Real unknown. The output
// keeps `field_of_view` (zero outside the measured one by default, as the classical CT methods).
DiffusionProblem ct_diffusion_problem(const Measurement& measurement, torch::Device device, double intensity_scale,
                                      FieldOfView field_of_view = FieldOfView::kMeasured);

// MRI: A = M F S with the coil maps of `maps`; s = 1 (unitary F and Σ|S_c|² = 1 make AᴴA a projection
// with norm 1, as the official operators); c = `intensity_scale` or, when 0, the 99.9th percentile of
// the SENSE-combined zero-filled image.
DiffusionProblem mri_diffusion_problem(const Measurement& measurement, torch::Device device, bool complex,
                                       CoilMapSource maps, double intensity_scale);

// MR z-SR: A averages f thin slices into each thick one; s = 1/f (the official code compares the
// measured component of an orthonormal basis of each group, √f times our mean, so its AᴴA is f times
// ours); c = `intensity_scale` or, when 0, the 99.9th percentile of the thick slices. Real unknown.
DiffusionProblem zsr_diffusion_problem(const Measurement& measurement, torch::Device device, double intensity_scale);

// Throws InvalidArgument unless the prior's channels suit the unknown (1 real, 2 complex).
void check_prior_fits(const DiffusionProblem& problem, const SlicePrior& prior, const std::string& method);

// ADMM for ½‖A x − y‖² + λ‖D_z x‖₁ with circular D_z (the official TV along z), the official ρ and λ
// carried over as ρs and λsc.
std::unique_ptr<AdmmL1Solver> tv_z_solver(const DiffusionProblem& problem, double rho, double lambda,
                                          const CgOptions& cg);

// The reconstruction as a volume with the measurement's geometry: float32; the magnitude for MRI; zero
// outside the problem's output mask.
Volume diffusion_output(const DiffusionProblem& problem, const torch::Tensor& x, const Measurement& measurement);

}  // namespace diffrecon
