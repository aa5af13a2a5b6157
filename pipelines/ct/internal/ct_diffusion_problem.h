#pragma once

#include <torch/types.h>

#include <memory>
#include <string>

#include "core/measurement.h"
#include "operators/linear_operator.h"
#include "solvers/admm.h"

namespace diffrecon {

// What the CT diffusion pipelines (DDS, DiffusionMBIR) share: the projector, Aᴴy, the intensity scale
// c (given, or the 99.9th percentile of the FBP image) and ADMM for ½‖A x − y‖² + λ‖D_z x‖₁ (circular
// D_z) with the official ρ, λ carried over as ρ' = ρs, λ' = λsc (s = official_normal_scale).
struct CtDiffusionProblem {
  OperatorPtr projector;
  torch::Tensor adjoint_measurement;  // Aᴴy
  double scale = 1;
  std::unique_ptr<AdmmL1Solver> tv_z;
};

CtDiffusionProblem ct_diffusion_problem(const Measurement& measurement, torch::Device device, double rho,
                                        double lambda, const CgOptions& cg, double intensity_scale,
                                        const std::string& method);

}  // namespace diffrecon
