#include "pipelines/ct/internal/ct_diffusion_problem.h"

#include "core/logging.h"
#include "operators/ct/fbp.h"
#include "operators/finite_difference.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/intensity_scale.h"

namespace diffrecon {

CtDiffusionProblem ct_diffusion_problem(const Measurement& m, torch::Device device, double rho, double lambda,
                                        const CgOptions& cg, double intensity_scale_override,
                                        const std::string& method) {
  const auto g = parallel_beam_geometry(m);
  CtDiffusionProblem p;
  p.projector = parallel_beam_projector(g);
  const auto y = m.data.to(device, torch::kFloat);
  p.adjoint_measurement = p.projector->adjoint(y);
  p.scale = intensity_scale_override > 0 ? intensity_scale_override : intensity_scale(filtered_back_projection(y, g));
  Log(LogLevel::kInfo) << method << ": intensity scale " << p.scale << " /mm";
  const double s = official_normal_scale(g);
  AdmmOptions admm;
  admm.rho = rho * s;
  admm.lambda = lambda * s * p.scale;
  admm.cg = cg;
  p.tv_z = std::make_unique<AdmmL1Solver>(
      p.projector, finite_difference_z(p.projector->domain_shape(), Boundary::kCircular), admm);
  return p;
}

}  // namespace diffrecon
