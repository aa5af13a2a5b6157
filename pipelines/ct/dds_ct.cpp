#include "pipelines/ct/dds_ct.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "core/error.h"
#include "core/logging.h"
#include "core/progress.h"
#include "operators/algebra.h"
#include "operators/ct/fbp.h"
#include "operators/finite_difference.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/intensity_scale.h"
#include "solvers/admm.h"

namespace diffrecon {

Volume dds_ct_reconstruction(const Measurement& m, const SlicePrior& prior, const DdsCtConfig& config,
                             torch::Device device, uint64_t seed, SamplerReport* report) {
  if (config.cg_iterations < 1) throw InvalidArgument("DDS: cg_iterations must be at least 1");
  if (!(config.lambda >= 0) || !(config.rho > 0) || !(config.intensity_scale >= 0))
    throw InvalidArgument("DDS: lambda >= 0, rho > 0 and intensity_scale >= 0 required");
  if (prior.denoiser().channels() != 1) throw InvalidArgument("DDS for CT needs a real (1-channel) prior");
  const auto g = parallel_beam_geometry(m);
  const auto projector = parallel_beam_projector(g);
  const auto y = m.data.to(device, torch::kFloat);
  const auto adjoint_y = projector->adjoint(y);
  const double kappa = official_normal_scale(g);
  const double scale =
      config.intensity_scale > 0 ? config.intensity_scale : intensity_scale(filtered_back_projection(y, g));
  Log(LogLevel::kInfo) << "DDS: intensity scale " << scale << " /mm";

  AdmmOptions admm;
  admm.rho = config.rho * kappa;
  admm.lambda = config.lambda * kappa * scale;
  admm.cg.max_iterations = config.cg_iterations;
  admm.cg.tolerance = 1e-5;  // DDS's CG stopping rule
  const AdmmL1Solver tv_z(projector, finite_difference_z(projector->domain_shape(), Boundary::kCircular), admm);
  const auto normal = normal_of(projector);
  AdmmState state;
  DataConsistency consistency;
  if (config.consistency == DdsConsistency::kAdmmTvZ) {
    consistency = [&](const torch::Tensor& x0) { return tv_z.step(x0, adjoint_y, state).x; };
  } else {
    CgOptions cg = admm.cg;
    consistency = [&, cg](const torch::Tensor& x0) { return conjugate_gradient(*normal, adjoint_y, x0, cg).x; };
  }

  DdsSamplerConfig sampler;
  sampler.steps = config.steps;
  sampler.eta = config.eta;
  at::Generator generator = at::detail::createCPUGenerator(seed);
  Progress progress("DDS", config.steps);
  const auto x = dds_sample(prior, projector->domain_shape(), /*complex=*/false, scale, consistency, sampler, generator,
                            device, report, [&](int) { progress.advance(); });
  progress.finish();
  return Volume(x.to(torch::kFloat), m.geometry);
}

}  // namespace diffrecon
