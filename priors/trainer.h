#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>
#include <functional>

#include "priors/edm_denoiser.h"
#include "priors/prior_model.h"

namespace diffrecon {

struct TrainingConfig {
  double learning_rate = 4e-4;   // AdamW, reached after a linear warm-up
  int64_t warmup_steps = 200;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  double weight_decay = 1e-4;    // decoupled: w ← w − lr·wd·w
  double ema_decay = 0.999;      // EMA weights (what a model file ships), warmed up as min(decay, (1+t)/(10+t))
  double gradient_clip = 1.0;    // global L2 norm of the gradient
  EdmLossOptions loss;
  uint64_t seed = 0;             // every step draws from a generator seeded with (seed, step)
};

// Everything needed to continue training exactly where it stopped.
struct TrainingState {
  int64_t step = 0;
  uint64_t seed = 0;  // TrainingConfig::seed of the run
  NamedTensors online, ema, first_moment, second_moment;  // AdamW's moments, per parameter
};

// Produces a training batch x0 [B, C, P, P] from the step's generator.
using BatchSource = std::function<torch::Tensor(at::Generator& generator)>;

// Denoising score matching (edm_loss) with AdamW, warm-up, gradient clipping and an EMA of the weights.
// Deterministic: step k's data, noise levels and noise come from a generator seeded with (seed, k), so
// a run resumed from a TrainingState continues bit for bit as if it had not stopped (same threads).
class Trainer {
 public:
  Trainer(EdmDenoiser& model, TrainingConfig config);

  // One optimisation step on source's batch; returns the batch loss.
  double step(const BatchSource& source);

  int64_t steps_done() const { return state_.step; }
  const NamedTensors& ema_parameters() const { return state_.ema; }
  // A copy of the whole state (CPU tensors), online weights included.
  TrainingState snapshot() const;
  // Continues from `state`: loads its online weights into the network, its moments, EMA and seed.
  void restore(const TrainingState& state);

 private:
  EdmDenoiser& model_;
  TrainingConfig config_;
  TrainingState state_;
  std::vector<torch::Tensor> parameters_;
};

// The generator of training step `step` for `seed` (CPU, splitmix64 of the pair).
at::Generator training_generator(uint64_t seed, int64_t step);

}  // namespace diffrecon
