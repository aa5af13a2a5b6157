#include "pipelines/ddip.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/optim/adamw.h>

#include <cmath>
#include <unordered_set>

#include "core/error.h"
#include "core/stopwatch.h"
#include "operators/algebra.h"
#include "operators/autograd_bridge.h"
#include "priors/edm_denoiser.h"
#include "priors/noise_schedule.h"

namespace diffrecon {
namespace {

// ⟨a, b⟩ = Re Σ conj(a) b, differentiable.
torch::Tensor real_dot(const torch::Tensor& a, const torch::Tensor& b) { return torch::real(torch::sum(a.conj() * b)); }

// One CG iteration on N x = b from x0 (N Hermitian), recorded by autograd.
torch::Tensor cg_iteration(const OperatorPtr& normal, const torch::Tensor& b, const torch::Tensor& x0) {
  const auto r = b - apply_differentiable(normal, x0);
  const auto step = real_dot(r, r) / real_dot(r, apply_differentiable(normal, r)).clamp_min(1e-30);
  return x0 + step * r;
}

// The adapted copy of the prior's network: LoRA in place, every other weight frozen.
std::shared_ptr<EdmDenoiser> adaptable_copy(const SlicePrior& prior, const LoraOptions& lora, uint64_t seed) {
  const auto* native = dynamic_cast<const EdmDenoiser*>(&prior.denoiser());
  if (!native)
    throw InvalidArgument("DDIP adapts a diffrecon model file's UNet; this prior (a TorchScript module) cannot be adapted");
  auto copy = std::make_shared<EdmDenoiser>(native->network().clone(), native->sigma_data());
  UNet& net = copy->network();
  net.add_lora(lora, seed);
  std::unordered_set<const void*> adaptable;
  for (const auto& p : net.adaptable_parameters()) adaptable.insert(p.unsafeGetTensorImpl());
  for (auto& [name, p] : net.named_parameters()) p.requires_grad_(adaptable.count(p.unsafeGetTensorImpl()) > 0);
  return copy;
}

}  // namespace

PriorAdaptation::PriorAdaptation(const DiffusionProblem& problem, const SlicePrior& prior, const DdipConfig& config,
                                 uint64_t seed)
    : problem_(problem),
      config_(config),
      network_(adaptable_copy(prior, config.lora, seed + 1)),
      adapted_(std::make_unique<SlicePrior>(network_, prior.options())),
      parameters_(network_->network().adaptable_parameters()),
      normal_(normal_of(problem.forward)),
      pick_(at::detail::createCPUGenerator(seed + 3)) {  // seed + 1, seed + 2: the adapters' draws
  if (config.adapt_steps < 0 || config.adapt_slices < 1 || !(config.learning_rate > 0))
    throw InvalidArgument("DDIP: adapt_steps >= 0, adapt_slices >= 1 and learning_rate > 0 required");
  if (config.adapt_t_min < 0 || config.adapt_t_min > config.adapt_t_max)
    throw InvalidArgument("DDIP: 0 <= adapt_t_min <= adapt_t_max required");
  check_prior_fits(problem, prior, "DDIP");
}

std::vector<double> PriorAdaptation::adapt(const torch::Tensor& x_t, double alpha_bar, const torch::Tensor& estimate) {
  const auto& p = problem_;
  const SlicePlane plane = adapted_->options().plane;
  const int64_t slices = slice_count(p.forward->domain_shape(), plane);
  const int64_t chosen = std::min<int64_t>(config_.adapt_slices, slices);
  const double sigma = ve_sigma_of(alpha_bar);
  const auto input = (x_t / std::sqrt(alpha_bar)).detach();
  const auto base = to_slices(estimate.detach(), plane);
  UNet& net = network_->network();
  net.train(true);
  torch::optim::AdamW optimiser(parameters_, torch::optim::AdamWOptions(config_.learning_rate));
  std::vector<double> losses;
  for (int k = 0; k < config_.adapt_steps; ++k) {
    const auto indices = at::randperm(slices, pick_, torch::kLong).narrow(0, 0, chosen).to(x_t.device());
    const auto images = adapted_->denoise_selected(input, indices, sigma);
    const auto x0 = from_slices(base.index_copy(0, indices, images), plane) * p.scale;
    const auto residual =
        apply_differentiable(p.forward, cg_iteration(normal_, p.adjoint_measurement, x0)) - p.measurement;
    const auto loss = torch::mean(torch::real(residual.conj() * residual));
    optimiser.zero_grad();
    loss.backward();
    optimiser.step();
    losses.push_back(loss.item<double>());
  }
  net.train(false);
  return losses;
}

NamedTensors PriorAdaptation::merged_parameters() {
  UNet& net = network_->network();
  if (net.has_lora()) net.merge_lora();
  return copy_parameters(net);
}

DdipConfig ddip_defaults(Modality modality) {
  DdipConfig config;
  config.dds = dds_defaults(modality);
  if (modality == Modality::kCt) {
    config.dds.consistency = DdsConsistency::kCg;
  } else {
    config.adapt_steps = 5;
  }
  return config;
}

torch::Tensor ddip_reconstruction(const DiffusionProblem& p, const SlicePrior& prior, const DdipConfig& config,
                                  torch::Device device, uint64_t seed, SamplerReport* report, bool keep_adapted) {
  PriorAdaptation adaptation(p, prior, config, seed);
  double adaptation_seconds = 0;
  torch::Tensor current;  // the last data-consistent x̂0 (prior units)
  DdsHooks hooks;
  hooks.after_step = [&](int, const torch::Tensor& x0) { current = x0.detach().clone(); };
  hooks.before_step = [&](int, int t, double alpha_bar, const torch::Tensor& x_t) {
    if (t < config.adapt_t_min || t > config.adapt_t_max || config.adapt_steps == 0) return;
    const Stopwatch stopwatch;
    if (!current.defined()) current = adaptation.prior().denoise(x_t / std::sqrt(alpha_bar), ve_sigma_of(alpha_bar)).clone();
    adaptation.adapt(x_t, alpha_bar, current);
    adaptation_seconds += stopwatch.seconds();
  };
  const auto x = dds_reconstruction(p, adaptation.prior(), config.dds, device, seed, report, hooks);
  if (report) {
    report->network_seconds += adaptation_seconds;
    report->adaptation_seconds = adaptation_seconds;
    if (keep_adapted) report->adapted_parameters = adaptation.merged_parameters();
  }
  return x;
}

}  // namespace diffrecon
