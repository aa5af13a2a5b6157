#include "pipelines/dds_reconstruction.h"

#include <ATen/CPUGeneratorImpl.h>

#include "core/error.h"
#include "core/progress.h"
#include "operators/algebra.h"
#include "solvers/conjugate_gradient.h"

namespace diffrecon {

const char* to_string(DdsConsistency consistency) {
  switch (consistency) {
    case DdsConsistency::kAdmmTvZ: return "admm-tv-z";
    case DdsConsistency::kCg: return "cg";
    case DdsConsistency::kCgRegularized: return "cg-regularized";
  }
  return "?";
}

DdsConsistency parse_dds_consistency(const std::string& name) {
  for (const auto c : {DdsConsistency::kAdmmTvZ, DdsConsistency::kCg, DdsConsistency::kCgRegularized})
    if (name == to_string(c)) return c;
  throw InvalidArgument("expected admm-tv-z, cg or cg-regularized, found '" + name + "'");
}

DdsConfig dds_defaults(Modality modality) {
  DdsConfig config;
  if (modality == Modality::kMri) {
    config.consistency = DdsConsistency::kCg;
    config.rho = 0.01;
    config.lambda = 0.005;
  }
  return config;
}

torch::Tensor dds_reconstruction(const DiffusionProblem& p, const SlicePrior& prior, const DdsConfig& config,
                                 torch::Device device, uint64_t seed, SamplerReport* report, const DdsHooks& hooks) {
  if (config.cg_iterations < 1) throw InvalidArgument("DDS: cg_iterations must be at least 1");
  if (!(config.lambda >= 0) || !(config.rho > 0) || !(config.gamma > 0))
    throw InvalidArgument("DDS: lambda >= 0, rho > 0 and gamma > 0 required");
  check_prior_fits(p, prior, "DDS");
  CgOptions cg;
  cg.max_iterations = config.cg_iterations;
  cg.tolerance = 1e-5;  // DDS's CG stopping rule
  DataConsistency consistency;
  AdmmState state;
  std::unique_ptr<AdmmL1Solver> admm;
  OperatorPtr system;
  switch (config.consistency) {
    case DdsConsistency::kAdmmTvZ:
      admm = tv_z_solver(p, config.rho, config.lambda, cg);
      consistency = [&](const torch::Tensor& x0) { return admm->step(x0, p.adjoint_measurement, state).x; };
      break;
    case DdsConsistency::kCg:
      system = normal_of(p.forward);
      consistency = [&](const torch::Tensor& x0) { return conjugate_gradient(*system, p.adjoint_measurement, x0, cg).x; };
      break;
    case DdsConsistency::kCgRegularized: {
      const double gamma = config.gamma / p.normal_scale;
      system = sum(identity(p.forward->domain_shape()), scale(gamma, normal_of(p.forward)));
      consistency = [&, gamma](const torch::Tensor& x0) {
        return conjugate_gradient(*system, x0 + gamma * p.adjoint_measurement, x0, cg).x;
      };
      break;
    }
  }
  DdsSamplerConfig sampler;
  sampler.steps = config.steps;
  sampler.eta = config.eta;
  at::Generator generator = at::detail::createCPUGenerator(seed);
  Progress progress("DDS", config.steps);
  DdsHooks with_progress = hooks;
  with_progress.after_step = [&](int step, const torch::Tensor& x0) {
    if (hooks.after_step) hooks.after_step(step, x0);
    progress.advance();
  };
  auto x = dds_sample(prior, p.forward->domain_shape(), p.complex, p.scale, consistency, sampler, generator, device,
                      report, with_progress);
  progress.finish();
  return x;
}

}  // namespace diffrecon
