#include "priors/trainer.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/error.h"

namespace diffrecon {

at::Generator training_generator(uint64_t seed, int64_t step) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(step + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return at::detail::createCPUGenerator(z ^ (z >> 31));
}

Trainer::Trainer(EdmDenoiser& model, TrainingConfig config) : model_(model), config_(std::move(config)) {
  if (!(config_.learning_rate > 0) || config_.warmup_steps < 0 || !(config_.ema_decay >= 0 && config_.ema_decay < 1) ||
      !(config_.gradient_clip > 0))
    throw InvalidArgument("TrainingConfig: learning_rate and gradient_clip must be > 0, ema_decay in [0, 1)");
  for (auto& [name, tensor] : model_.network().named_parameters()) {
    parameters_.push_back(tensor);
    state_.ema.emplace_back(name, tensor.detach().clone());
    state_.first_moment.emplace_back(name, torch::zeros_like(tensor));
    state_.second_moment.emplace_back(name, torch::zeros_like(tensor));
  }
}

TrainingState Trainer::snapshot() const {
  auto copy = [](const NamedTensors& list) {
    NamedTensors out;
    for (const auto& [name, tensor] : list) out.emplace_back(name, tensor.detach().to(torch::kCPU).clone());
    return out;
  };
  TrainingState out;
  out.step = state_.step;
  out.seed = config_.seed;
  out.online = copy_parameters(model_.network());
  out.ema = copy(state_.ema);
  out.first_moment = copy(state_.first_moment);
  out.second_moment = copy(state_.second_moment);
  return out;
}

void Trainer::restore(const TrainingState& state) {
  auto moved = [this](const NamedTensors& list, const char* what) {
    if (list.size() != parameters_.size()) throw InvalidArgument(std::string("training state: wrong number of ") + what);
    NamedTensors out;
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i].first != state_.ema[i].first || list[i].second.sizes() != parameters_[i].sizes())
        throw InvalidArgument(std::string("training state: ") + what + " '" + list[i].first +
                              "' does not match the network");
      out.emplace_back(list[i].first, list[i].second.to(parameters_[i].device(), torch::kFloat).clone());
    }
    return out;
  };
  TrainingState next;
  next.step = state.step;
  next.ema = moved(state.ema, "EMA weights");
  next.first_moment = moved(state.first_moment, "first moments");
  next.second_moment = moved(state.second_moment, "second moments");
  load_parameters(model_.network(), state.online);
  state_ = std::move(next);
  config_.seed = state.seed;
}

double Trainer::step(const BatchSource& source) {
  at::Generator generator = training_generator(config_.seed, state_.step);
  model_.network().train(true);
  const auto x0 = source(generator).to(parameters_.front().device());
  for (auto& p : parameters_) p.mutable_grad() = torch::Tensor();
  const auto loss = edm_loss(model_, x0, generator, config_.loss);
  loss.backward();
  const double value = loss.item<double>();
  if (!std::isfinite(value)) throw Error("training diverged: the loss is " + std::to_string(value));

  torch::NoGradGuard no_grad;
  double squared_norm = 0;
  for (const auto& p : parameters_)
    if (p.grad().defined()) squared_norm += p.grad().pow(2).sum().item<double>();
  const double clip = std::min(1.0, config_.gradient_clip / (std::sqrt(squared_norm) + 1e-12));
  const int64_t t = ++state_.step;
  const double lr = config_.learning_rate * std::min(1.0, double(t) / std::max<int64_t>(1, config_.warmup_steps));
  const double correction1 = 1 - std::pow(config_.beta1, double(t));
  const double correction2 = 1 - std::pow(config_.beta2, double(t));
  const double ema = std::min(config_.ema_decay, (1.0 + t) / (10.0 + t));
  for (size_t i = 0; i < parameters_.size(); ++i) {
    auto& p = parameters_[i];
    if (!p.grad().defined()) continue;
    const auto g = p.grad() * clip;
    auto& m = state_.first_moment[i].second;
    auto& v = state_.second_moment[i].second;
    m.mul_(config_.beta1).add_(g, 1 - config_.beta1);
    v.mul_(config_.beta2).addcmul_(g, g, 1 - config_.beta2);
    p.mul_(1 - lr * config_.weight_decay);
    p.addcdiv_(m / correction1, (v / correction2).sqrt_().add_(config_.epsilon), -lr);
    state_.ema[i].second.mul_(ema).add_(p, 1 - ema);
  }
  return value;
}

}  // namespace diffrecon
