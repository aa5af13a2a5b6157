#include "pipelines/diffusion_problem.h"

#include "core/error.h"
#include "core/logging.h"
#include "operators/ct/fbp.h"
#include "operators/finite_difference.h"
#include "operators/real_restriction.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/intensity_scale.h"
#include "pipelines/zsr/zsr_problem.h"

namespace diffrecon {
namespace {

double chosen_scale(double given, const torch::Tensor& reference_image) {
  if (!(given >= 0)) throw InvalidArgument("the intensity scale must be >= 0");
  const double scale = given > 0 ? given : intensity_scale(reference_image);
  Log(LogLevel::kInfo) << "intensity scale " << scale << (given > 0 ? " (given)" : " (estimated)");
  return scale;
}

}  // namespace

DiffusionProblem ct_diffusion_problem(const Measurement& m, torch::Device device, double intensity_scale,
                                      FieldOfView field_of_view) {
  const auto g = parallel_beam_geometry(m);
  DiffusionProblem p;
  p.modality = Modality::kCt;
  p.forward = parallel_beam_projector(g);
  p.measurement = m.data.to(device, torch::kFloat);
  p.adjoint_measurement = p.forward->adjoint(p.measurement);
  p.scale = chosen_scale(intensity_scale, filtered_back_projection(p.measurement, g));
  p.normal_scale = official_normal_scale(g);
  p.output_mask = field_of_view_to_keep(g, field_of_view, device);
  return p;
}

DiffusionProblem mri_diffusion_problem(const Measurement& m, torch::Device device, bool complex, CoilMapSource maps,
                                       double intensity_scale) {
  const auto sense = mri_forward_operator(m, coil_maps_of(m, device, maps));
  const auto y = m.data.to(device, torch::kComplexFloat);
  const auto combined = sense->adjoint(y);
  DiffusionProblem p;
  p.modality = Modality::kMri;
  p.complex = complex;
  p.forward = complex ? sense : real_restriction(sense);
  p.measurement = complex ? y : torch::view_as_real(y).contiguous();
  p.adjoint_measurement = complex ? combined : torch::real(combined).contiguous();
  p.scale = chosen_scale(intensity_scale, combined);
  p.normal_scale = 1;
  return p;
}

DiffusionProblem zsr_diffusion_problem(const Measurement& m, torch::Device device, double intensity_scale) {
  DiffusionProblem p;
  p.modality = Modality::kZsr;
  p.forward = zsr_forward_operator(m);
  p.measurement = m.data.to(device, torch::kFloat);
  p.adjoint_measurement = p.forward->adjoint(p.measurement);
  p.scale = chosen_scale(intensity_scale, p.measurement);
  p.normal_scale = 1.0 / static_cast<double>(slice_factor(m));
  return p;
}

void check_prior_fits(const DiffusionProblem& p, const SlicePrior& prior, const std::string& method) {
  const int64_t channels = prior.denoiser().channels();
  if (channels != (p.complex ? 2 : 1))
    throw InvalidArgument(method + ": the unknown is " + (p.complex ? "complex" : "real") + " but the prior has " +
                          std::to_string(channels) + " channel(s)");
}

std::unique_ptr<AdmmL1Solver> tv_z_solver(const DiffusionProblem& p, double rho, double lambda, const CgOptions& cg) {
  AdmmOptions admm;
  admm.rho = rho * p.normal_scale;
  admm.lambda = lambda * p.normal_scale * p.scale;
  admm.cg = cg;
  return std::make_unique<AdmmL1Solver>(
      p.forward, finite_difference_z(p.forward->domain_shape(), Boundary::kCircular), admm);
}

Volume diffusion_output(const DiffusionProblem& p, const torch::Tensor& x, const Measurement& m) {
  auto image = p.modality == Modality::kMri ? x.abs() : x;
  if (p.output_mask.defined()) image = image * p.output_mask.to(image.device(), image.dtype());
  return Volume(image.to(torch::kFloat).contiguous(), m.geometry);
}

}  // namespace diffrecon
