#include "pipelines/tpdm.h"

#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/progress.h"
#include "core/stopwatch.h"
#include "operators/algebra.h"
#include "priors/denoiser.h"
#include "priors/ve_sampler.h"
#include "solvers/conjugate_gradient.h"

namespace diffrecon {
namespace {

// The official code takes the DPS norm over batches of this many slices.
constexpr double kOfficialDpsBatch = 6;

// A⁺ v = Aᴴ (A Aᴴ)⁻¹ v.
torch::Tensor pseudo_inverse(const OperatorPtr& a, const torch::Tensor& v) {
  CgOptions cg;
  cg.max_iterations = 20;
  cg.tolerance = 1e-6;
  return a->adjoint(conjugate_gradient(*compose(a, adjoint_of(a)), v, {}, cg).x);
}

}  // namespace

TpdmAlternation::TpdmAlternation(double k) : k_(k) {
  if (!(k > 1)) throw InvalidArgument("TPDM: the alternation K must be > 1 (or infinite), got " + std::to_string(k));
}

bool TpdmAlternation::primary_turn(int64_t step, at::Generator& generator) const {
  if (std::isinf(k_)) return true;
  if (k_ == std::floor(k_)) {
    const auto k = static_cast<int64_t>(k_);
    return step % k != k - 1;
  }
  return at::rand({1}, generator, torch::kDouble).item<double>() >= 1.0 / k_;
}

TpdmConfig tpdm_defaults(Modality modality, int64_t slice_factor) {
  TpdmConfig config;
  switch (modality) {
    case Modality::kCt:
      config.dps_weight = 0.025;
      config.alternation = 2.7;
      break;
    case Modality::kMri:
      config.dps_weight = 0.002;
      break;
    case Modality::kZsr:
      config.dps_weight = std::max<double>(1, static_cast<double>(slice_factor - 1));
      config.start_from_measurement = true;
      break;
  }
  return config;
}

torch::Tensor tpdm_reconstruction(const DiffusionProblem& p, const SlicePrior& primary, const SlicePrior& auxiliary,
                                  const TpdmConfig& config, torch::Device device, uint64_t seed,
                                  SamplerReport* report) {
  if (config.steps < 2 || !(config.snr >= 0) || !(config.dps_weight >= 0))
    throw InvalidArgument("TPDM: steps >= 2, snr >= 0 and dps_weight >= 0 required");
  const TpdmAlternation alternation(config.alternation);
  check_prior_fits(p, primary, "TPDM");
  check_prior_fits(p, auxiliary, "TPDM (auxiliary prior)");
  if (primary.options().plane == auxiliary.options().plane)
    throw InvalidArgument(std::string("TPDM: the primary and auxiliary priors must lie on different planes (both ") +
                          to_string(primary.options().plane) + ")");
  const Stopwatch total;
  double network = 0;
  const auto& a = p.forward;
  const auto primary_slices = static_cast<double>(slice_count(a->domain_shape(), primary.options().plane));
  // ∇‖A(c x̂0) − y‖ in official units at x̂0 (prior units): Aᴴr / (√s ‖r‖), times √(N/6) (see tpdm.h).
  const double gradient_factor = std::sqrt(primary_slices / kOfficialDpsBatch) / std::sqrt(p.normal_scale);
  auto dps_gradient = [&](const torch::Tensor& x, const torch::Tensor& x0, double sigma) {
    const auto residual = a->apply(x0 * p.scale) - p.measurement;
    const double norm = residual.norm().item<double>();
    if (!(norm > 0)) return torch::zeros_like(x);
    const auto cotangent = a->adjoint(residual) * (gradient_factor / norm);
    const Stopwatch network_call;
    auto gradient = primary.denoise_vjp(x, sigma, cotangent);
    network += network_call.seconds();
    return gradient;
  };

  VeSchedule schedule = config.schedule;
  schedule.levels = config.steps;
  auto sigmas = schedule.discrete_sigmas();
  std::reverse(sigmas.begin(), sigmas.end());  // decreasing
  at::Generator generator = at::detail::createCPUGenerator(seed);
  c10::InferenceMode inference;
  auto x = standard_normal(a->domain_shape(), p.complex, generator, device) * sigmas.front();
  if (config.start_from_measurement) {
    const auto measured = pseudo_inverse(a, p.measurement / p.scale);
    x = measured + x - pseudo_inverse(a, a->apply(x));
  }
  Progress progress("TPDM", config.steps);
  for (size_t i = 0; i < sigmas.size(); ++i) {
    const double sigma = sigmas[i], next = i + 1 < sigmas.size() ? sigmas[i + 1] : 0.0;
    const SlicePrior& prior = alternation.primary_turn(static_cast<int64_t>(i), generator) ? primary : auxiliary;
    const bool consistent = &prior == &primary;
    torch::Tensor denoised;
    const ScoreFunction score = [&](const torch::Tensor& state, double level) {
      const Stopwatch network_call;
      denoised = prior.denoise(state, level);
      network += network_call.seconds();
      return (denoised - state) / (level * level);
    };
    const auto corrected = langevin_corrector_step(score, x, sigma, config.snr, generator);
    auto next_x = corrected.x;
    if (consistent && config.dps_weight > 0) next_x = next_x - config.dps_weight * dps_gradient(x, denoised, sigma);
    const auto predicted = reverse_diffusion_step(score, next_x, sigma, next, generator);
    x = predicted.mean;
    if (consistent && config.dps_weight > 0) x = x - config.dps_weight * dps_gradient(next_x, denoised, sigma);
    progress.advance();
  }
  progress.finish();
  if (report) {
    report->total_seconds = total.seconds();
    report->network_seconds = network;
    report->network_evaluations = 2 * static_cast<int64_t>(sigmas.size());
  }
  return x * p.scale;
}

}  // namespace diffrecon
