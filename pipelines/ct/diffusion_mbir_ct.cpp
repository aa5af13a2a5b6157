#include "pipelines/ct/diffusion_mbir_ct.h"

#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>

#include "core/error.h"
#include "core/logging.h"
#include "core/progress.h"
#include "operators/ct/fbp.h"
#include "operators/finite_difference.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/internal/ct_diffusion_problem.h"
#include "pipelines/intensity_scale.h"
#include "priors/ve_sampler.h"
#include "solvers/admm.h"

namespace diffrecon {

Volume diffusion_mbir_ct_reconstruction(const Measurement& m, const SlicePrior& prior,
                                        const DiffusionMbirCtConfig& config, torch::Device device, uint64_t seed,
                                        SamplerReport* report) {
  if (config.steps < 2 || config.cg_iterations < 1 || !(config.snr >= 0))
    throw InvalidArgument("DiffusionMBIR: steps >= 2, cg_iterations >= 1 and snr >= 0 required");
  if (!(config.lambda >= 0) || !(config.rho > 0) || !(config.intensity_scale >= 0))
    throw InvalidArgument("DiffusionMBIR: lambda >= 0, rho > 0 and intensity_scale >= 0 required");
  if (prior.denoiser().channels() != 1) throw InvalidArgument("DiffusionMBIR for CT needs a real (1-channel) prior");
  const auto start = std::chrono::steady_clock::now();
  CgOptions cg;
  cg.max_iterations = config.cg_iterations;
  cg.tolerance = 1e-10;  // DiffusionMBIR's CG stopping rule
  const CtDiffusionProblem p =
      ct_diffusion_problem(m, device, config.rho, config.lambda, cg, config.intensity_scale, "DiffusionMBIR");
  const auto& projector = p.projector;
  const double scale = p.scale;
  AdmmState state;

  VeSchedule schedule = config.schedule;
  schedule.levels = config.steps;
  auto sigmas = schedule.discrete_sigmas();
  std::reverse(sigmas.begin(), sigmas.end());  // decreasing
  double network = 0;
  const ScoreFunction score = [&](const torch::Tensor& x, double sigma) {
    const auto network_start = std::chrono::steady_clock::now();
    const auto denoised = prior.denoise(x, sigma);
    network += std::chrono::duration<double>(std::chrono::steady_clock::now() - network_start).count();
    return (denoised - x) / (sigma * sigma);
  };
  at::Generator generator = at::detail::createCPUGenerator(seed);
  c10::InferenceMode inference;
  auto x = (torch::randn(projector->domain_shape(), generator, torch::dtype(torch::kFloat)) * sigmas.front()).to(device);
  Progress progress("DiffusionMBIR", config.steps);
  for (size_t i = 0; i < sigmas.size(); ++i) {
    const double next = i + 1 < sigmas.size() ? sigmas[i + 1] : 0.0;
    x = reverse_diffusion_step(score, x, sigmas[i], next, generator).x;
    x = langevin_corrector_step(score, x, sigmas[i], config.snr, generator).x;
    x = p.tv_z->step(x * scale, p.adjoint_measurement, state).x / scale;
    progress.advance();
  }
  progress.finish();
  x = x * scale;
  if (config.final_back_projection) {
    const auto weights = projector->adjoint(projector->apply(torch::ones_like(x)));
    const auto y = m.data.to(device, torch::kFloat);
    x = x + projector->adjoint(y - projector->apply(x)) / weights.clamp_min(1e-12 * weights.max().item<double>());
  }
  if (report) {
    report->total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    report->network_seconds = network;
    report->network_evaluations = 2 * static_cast<int64_t>(sigmas.size());
  }
  return Volume(x.to(torch::kFloat), m.geometry);
}

}  // namespace diffrecon
