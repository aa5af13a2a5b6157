#pragma once

#include <torch/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "priors/lora.h"

namespace diffrecon {

// Architecture of the 2D denoising network (priors issue §2): a UNet of residual blocks (GroupNorm,
// SiLU, 3 × 3 convolutions, the noise embedding added between the two convolutions), self-attention at
// the chosen levels, strided-convolution downsampling and nearest-neighbour upsampling. Fully
// convolutional: any height and width divisible by 2^(levels − 1) works, so a model trained on patches
// runs on whole slices.
struct UNetConfig {
  int64_t channels = 1;                              // image channels: 1 real, 2 complex (real, imaginary)
  int64_t base_channels = 32;                        // width of the first level
  std::vector<int64_t> channel_multipliers{1, 2, 2, 4};  // one level each
  int64_t residual_blocks = 2;                       // per level
  std::vector<int64_t> attention_levels{3};          // levels (0-based) with self-attention
  int64_t groups = 8;                                // GroupNorm groups (divides every width)
  int64_t embedding_channels = 128;                  // noise-level embedding width

  // Throws InvalidArgument naming the field for an inconsistent configuration.
  void validate() const;
  // Smallest multiple every input height and width must be of.
  int64_t size_multiple() const { return int64_t{1} << (channel_multipliers.size() - 1); }
};

// F(x, c_noise): x [B, channels, H, W], c_noise [B] (the preconditioned noise level, see denoiser.h)
// → [B, channels, H, W]. The last convolution starts at zero, so an untrained F outputs 0.
class UNet {
 public:
  explicit UNet(UNetConfig config);

  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& c_noise) const;

  const UNetConfig& config() const { return config_; }
  // Every trainable tensor with a stable, hierarchical name ("down.0.block.1.conv1.weight").
  std::vector<std::pair<std::string, torch::Tensor>> named_parameters() const;
  int64_t parameter_count() const;
  void to(const torch::Device& device);
  void train(bool on);  // also switches the LoRA adapters' dropout

  // LoRA adapters (priors/lora.h) on every convolution and linear layer of the residual and attention
  // blocks, as DDIP injects them; `seed` draws their initial down-projections and dropout masks. The
  // network's output is unchanged until the adapters are trained.
  void add_lora(const LoraOptions& options, uint64_t seed);
  bool has_lora() const;
  // What DDIP trains: every LoRA factor and every bias except those of the residual blocks' noise
  // embedding projections (the official code's emb_layers).
  std::vector<torch::Tensor> adaptable_parameters() const;
  // Folds the adapters into the layers' weights (W ← W + scale · up ∘ down) and removes them: the plain
  // network computes what the adapted one did without dropout, and a model file can hold it.
  void merge_lora();
  // A deep copy of the weights (on the same device); throws InvalidArgument while adapters are in place.
  UNet clone() const;

 private:
  struct Modules;
  UNetConfig config_;
  std::shared_ptr<Modules> modules_;
};

}  // namespace diffrecon
