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
#include "pipelines/ct/internal/ct_diffusion_problem.h"
#include "pipelines/intensity_scale.h"
#include "solvers/admm.h"

namespace diffrecon {

Volume dds_ct_reconstruction(const Measurement& m, const SlicePrior& prior, const DdsCtConfig& config,
                             torch::Device device, uint64_t seed, SamplerReport* report) {
  if (config.cg_iterations < 1) throw InvalidArgument("DDS: cg_iterations must be at least 1");
  if (!(config.lambda >= 0) || !(config.rho > 0) || !(config.intensity_scale >= 0))
    throw InvalidArgument("DDS: lambda >= 0, rho > 0 and intensity_scale >= 0 required");
  if (prior.denoiser().channels() != 1) throw InvalidArgument("DDS for CT needs a real (1-channel) prior");
  CgOptions cg;
  cg.max_iterations = config.cg_iterations;
  cg.tolerance = 1e-5;  // DDS's CG stopping rule
  const CtDiffusionProblem p =
      ct_diffusion_problem(m, device, config.rho, config.lambda, cg, config.intensity_scale, "DDS");
  const auto normal = normal_of(p.projector);
  AdmmState state;
  DataConsistency consistency;
  if (config.consistency == DdsConsistency::kAdmmTvZ) {
    consistency = [&](const torch::Tensor& x0) { return p.tv_z->step(x0, p.adjoint_measurement, state).x; };
  } else {
    consistency = [&](const torch::Tensor& x0) { return conjugate_gradient(*normal, p.adjoint_measurement, x0, cg).x; };
  }

  DdsSamplerConfig sampler;
  sampler.steps = config.steps;
  sampler.eta = config.eta;
  at::Generator generator = at::detail::createCPUGenerator(seed);
  Progress progress("DDS", config.steps);
  const auto x = dds_sample(prior, p.projector->domain_shape(), /*complex=*/false, p.scale, consistency, sampler, generator,
                            device, report, [&](int) { progress.advance(); });
  progress.finish();
  return Volume(x.to(torch::kFloat), m.geometry);
}

}  // namespace diffrecon
