#include "pipelines/diffusion_mbir.h"

#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>

#include "core/error.h"
#include "core/progress.h"
#include "core/stopwatch.h"
#include "priors/denoiser.h"
#include "priors/ve_sampler.h"

namespace diffrecon {

DiffusionMbirConfig diffusion_mbir_defaults(Modality modality) {
  DiffusionMbirConfig config;
  if (modality == Modality::kMri) {
    config.lambda = 0.005;
    config.rho = 0.01;
    config.final_back_projection = false;
  }
  return config;
}

torch::Tensor diffusion_mbir_reconstruction(const DiffusionProblem& p, const SlicePrior& prior,
                                            const DiffusionMbirConfig& config, torch::Device device, uint64_t seed,
                                            SamplerReport* report) {
  if (config.steps < 2 || config.cg_iterations < 1 || !(config.snr >= 0))
    throw InvalidArgument("DiffusionMBIR: steps >= 2, cg_iterations >= 1 and snr >= 0 required");
  if (!(config.lambda >= 0) || !(config.rho > 0)) throw InvalidArgument("DiffusionMBIR: lambda >= 0 and rho > 0 required");
  check_prior_fits(p, prior, "DiffusionMBIR");
  const Stopwatch total;
  CgOptions cg;
  cg.max_iterations = config.cg_iterations;
  cg.tolerance = 1e-10;  // DiffusionMBIR's CG stopping rule
  const auto tv_z = tv_z_solver(p, config.rho, config.lambda, cg);
  AdmmState state;

  VeSchedule schedule = config.schedule;
  schedule.levels = config.steps;
  auto sigmas = schedule.discrete_sigmas();
  std::reverse(sigmas.begin(), sigmas.end());  // decreasing
  double network = 0;
  const ScoreFunction score = [&](const torch::Tensor& x, double sigma) {
    const Stopwatch network_call;
    const auto denoised = prior.denoise(x, sigma);
    network += network_call.seconds();
    return (denoised - x) / (sigma * sigma);
  };
  at::Generator generator = at::detail::createCPUGenerator(seed);
  c10::InferenceMode inference;
  auto x = standard_normal(p.forward->domain_shape(), p.complex, generator, device) * sigmas.front();
  Progress progress("DiffusionMBIR", config.steps);
  for (size_t i = 0; i < sigmas.size(); ++i) {
    const double next = i + 1 < sigmas.size() ? sigmas[i + 1] : 0.0;
    x = reverse_diffusion_step(score, x, sigmas[i], next, generator).x;
    x = langevin_corrector_step(score, x, sigmas[i], config.snr, generator).x;
    x = tv_z->step(x * p.scale, p.adjoint_measurement, state).x / p.scale;
    progress.advance();
  }
  progress.finish();
  x = x * p.scale;
  if (config.final_back_projection) {
    const auto& a = p.forward;
    const auto weights = a->adjoint(a->apply(torch::ones_like(x))).abs();
    x = x + a->adjoint(p.measurement - a->apply(x)) / weights.clamp_min(1e-12 * weights.max().item<double>());
  }
  if (report) {
    report->total_seconds = total.seconds();
    report->network_seconds = network;
    report->network_evaluations = 2 * static_cast<int64_t>(sigmas.size());
  }
  return x;
}

}  // namespace diffrecon
