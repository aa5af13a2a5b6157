#include "priors/unet.h"

#include <torch/nn/functional/upsampling.h>
#include <torch/nn/init.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "priors/lora.h"

namespace diffrecon {
namespace {

namespace nn = torch::nn;

nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2));
}

// A layer with an optional LoRA adapter beside it (priors/lora.h). The adapters are not registered
// submodules: a model file holds the plain network, and merge_lora folds them into its weights.
struct AdaptedConv {
  nn::Conv2d layer{nullptr};
  std::shared_ptr<LoraAdapter> lora;

  torch::Tensor operator()(const torch::Tensor& x) { return lora ? layer(x) + lora->forward(x) : layer(x); }
  explicit operator bool() const { return !layer.is_empty(); }
};

struct AdaptedLinear {
  nn::Linear layer{nullptr};
  std::shared_ptr<LoraAdapter> lora;

  torch::Tensor operator()(const torch::Tensor& x) { return lora ? layer(x) + lora->forward(x) : layer(x); }
};

// What add_lora needs to make adapters.
struct LoraFactory {
  LoraOptions options;
  at::Generator generator;
  std::shared_ptr<at::Generator> dropout_generator;

  void adapt(AdaptedConv& c) {
    if (!c) return;
    // conv() pads by kernel / 2.
    c.lora = std::make_shared<LoraAdapter>(c.layer->weight, c.layer->options.stride()->at(0),
                                           c.layer->weight.size(-1) / 2, options, generator, dropout_generator);
  }
  void adapt(AdaptedLinear& l) {
    l.lora = std::make_shared<LoraAdapter>(l.layer->weight, 1, 0, options, generator, dropout_generator);
  }
};

// W ← W + delta for an adapted layer, which then loses its adapter.
template <typename Adapted>
void merge(Adapted& a) {
  if (!a.lora) return;
  torch::NoGradGuard no_grad;
  a.layer->weight.add_(a.lora->weight_delta().to(a.layer->weight.scalar_type()));
  a.lora.reset();
}

// GroupNorm → SiLU → conv → + embedding → GroupNorm → SiLU → conv, plus the (1 × 1-projected) input.
struct ResidualBlockImpl : nn::Module {
  ResidualBlockImpl(int64_t in, int64_t out, int64_t embedding, int64_t groups)
      : norm1(register_module("norm1", nn::GroupNorm(nn::GroupNormOptions(groups, in)))),
        conv1{register_module("conv1", conv(in, out, 3)), nullptr},
        embed{register_module("embed", nn::Linear(embedding, out)), nullptr},
        norm2(register_module("norm2", nn::GroupNorm(nn::GroupNormOptions(groups, out)))),
        conv2{register_module("conv2", conv(out, out, 3)), nullptr} {
    if (in != out) skip.layer = register_module("skip", conv(in, out, 1));
  }

  template <typename Visit>
  void each_adapted(Visit visit) {
    visit(conv1);
    visit(embed);
    visit(conv2);
    visit(skip);
  }

  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& emb) {
    auto h = conv1(torch::silu(norm1(x)));
    h = h + embed(torch::silu(emb)).unsqueeze(-1).unsqueeze(-1);
    h = conv2(torch::silu(norm2(h)));
    return (skip ? skip(x) : x) + h;
  }

  nn::GroupNorm norm1;
  AdaptedConv conv1;
  AdaptedLinear embed;
  nn::GroupNorm norm2;
  AdaptedConv conv2;
  AdaptedConv skip;
};
TORCH_MODULE(ResidualBlock);

// Single-head self-attention over all pixels: x + proj(softmax(qᵀk / √C) v).
struct AttentionImpl : nn::Module {
  AttentionImpl(int64_t channels, int64_t groups)
      : norm(register_module("norm", nn::GroupNorm(nn::GroupNormOptions(groups, channels)))),
        qkv{register_module("qkv", conv(channels, 3 * channels, 1)), nullptr},
        proj{register_module("proj", conv(channels, channels, 1)), nullptr} {}

  template <typename Visit>
  void each_adapted(Visit visit) {
    visit(qkv);
    visit(proj);
  }

  torch::Tensor forward(const torch::Tensor& x) {
    const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    const auto parts = qkv(norm(x)).reshape({b, 3, c, h * w}).unbind(1);
    const auto weights = torch::softmax(parts[0].transpose(1, 2).matmul(parts[1]) / std::sqrt(double(c)), -1);
    const auto out = parts[2].matmul(weights.transpose(1, 2)).reshape({b, c, h, w});
    return x + proj(out);
  }

  nn::GroupNorm norm;
  AdaptedConv qkv, proj;
};
TORCH_MODULE(Attention);

// Sinusoidal features of the noise level: [cos(c f_i), sin(c f_i)], f_i = 10000^(−i / half).
torch::Tensor sinusoidal(const torch::Tensor& c_noise, int64_t channels) {
  const int64_t half = channels / 2;
  const auto freqs = torch::exp(-std::log(10000.0) * torch::arange(half, c_noise.options()) / half);
  const auto args = c_noise.unsqueeze(1) * freqs.unsqueeze(0);
  return torch::cat({torch::cos(args), torch::sin(args)}, 1);
}

}  // namespace

struct UNet::Modules : nn::Module {
  struct Stage {
    ResidualBlock block{nullptr};
    Attention attention{nullptr};
  };

  explicit Modules(const UNetConfig& c) {
    const int64_t levels = static_cast<int64_t>(c.channel_multipliers.size());
    auto attends = [&](int64_t level) {
      return std::find(c.attention_levels.begin(), c.attention_levels.end(), level) != c.attention_levels.end();
    };
    embed1 = register_module("embed1", nn::Linear(c.embedding_channels, c.embedding_channels));
    embed2 = register_module("embed2", nn::Linear(c.embedding_channels, c.embedding_channels));
    input = register_module("input", conv(c.channels, c.base_channels, 3));
    int64_t width = c.base_channels;
    std::vector<int64_t> skip_widths{width};
    for (int64_t level = 0; level < levels; ++level) {
      const int64_t out = c.base_channels * c.channel_multipliers[level];
      for (int64_t b = 0; b < c.residual_blocks; ++b) {
        const std::string name = "down" + std::to_string(level) + "_" + std::to_string(b);
        Stage stage;
        stage.block = register_module(name, ResidualBlock(width, out, c.embedding_channels, c.groups));
        if (attends(level)) stage.attention = register_module(name + "_attention", Attention(out, c.groups));
        down.push_back(stage);
        width = out;
        skip_widths.push_back(width);
      }
      if (level + 1 < levels) {
        downsample.push_back(register_module("downsample" + std::to_string(level), conv(width, width, 3, 2)));
        skip_widths.push_back(width);
      }
    }
    middle1 = register_module("middle1", ResidualBlock(width, width, c.embedding_channels, c.groups));
    middle_attention = register_module("middle_attention", Attention(width, c.groups));
    middle2 = register_module("middle2", ResidualBlock(width, width, c.embedding_channels, c.groups));
    for (int64_t level = levels - 1; level >= 0; --level) {
      const int64_t out = c.base_channels * c.channel_multipliers[level];
      for (int64_t b = 0; b <= c.residual_blocks; ++b) {
        const std::string name = "up" + std::to_string(level) + "_" + std::to_string(b);
        const int64_t skip = skip_widths.back();
        skip_widths.pop_back();
        Stage stage;
        stage.block = register_module(name, ResidualBlock(width + skip, out, c.embedding_channels, c.groups));
        if (attends(level)) stage.attention = register_module(name + "_attention", Attention(out, c.groups));
        up.push_back(stage);
        width = out;
      }
      if (level > 0) upsample.push_back(register_module("upsample" + std::to_string(level), conv(width, width, 3)));
    }
    output_norm = register_module("output_norm", nn::GroupNorm(nn::GroupNormOptions(c.groups, width)));
    output = register_module("output", conv(width, c.channels, 3));
    torch::NoGradGuard no_grad;
    output->weight.zero_();
    output->bias.zero_();
  }

  // Every adapted layer of the residual and attention blocks.
  template <typename Visit>
  void each_adapted(Visit visit) {
    const auto blocks = [&](ResidualBlock& block, Attention& attention) {
      block->each_adapted(visit);
      if (attention) attention->each_adapted(visit);
    };
    for (auto& stage : down) blocks(stage.block, stage.attention);
    blocks(middle1, middle_attention);
    Attention none{nullptr};
    blocks(middle2, none);
    for (auto& stage : up) blocks(stage.block, stage.attention);
  }

  nn::Linear embed1{nullptr}, embed2{nullptr};
  nn::Conv2d input{nullptr}, output{nullptr};
  std::vector<Stage> down, up;
  std::vector<nn::Conv2d> downsample, upsample;
  ResidualBlock middle1{nullptr}, middle2{nullptr};
  Attention middle_attention{nullptr};
  nn::GroupNorm output_norm{nullptr};
};

void UNetConfig::validate() const {
  auto fail = [](const std::string& what) { throw InvalidArgument("UNetConfig: " + what); };
  if (channels < 1) fail("channels must be >= 1");
  if (base_channels < 1 || groups < 1 || base_channels % groups != 0) fail("groups must divide base_channels");
  if (channel_multipliers.empty() || channel_multipliers.size() > 8) fail("1 to 8 channel multipliers");
  for (const int64_t m : channel_multipliers)
    if (m < 1) fail("channel multipliers must be >= 1");
  if (residual_blocks < 1) fail("residual_blocks must be >= 1");
  for (const int64_t level : attention_levels)
    if (level < 0 || level >= static_cast<int64_t>(channel_multipliers.size())) fail("attention level out of range");
  if (embedding_channels < 2 || embedding_channels % 2 != 0) fail("embedding_channels must be even and >= 2");
}

UNet::UNet(UNetConfig config) : config_(std::move(config)) {
  config_.validate();
  modules_ = std::make_shared<Modules>(config_);
}

torch::Tensor UNet::forward(const torch::Tensor& x, const torch::Tensor& c_noise) const {
  const int64_t multiple = config_.size_multiple();
  if (x.dim() != 4 || x.size(1) != config_.channels || x.size(2) % multiple != 0 || x.size(3) % multiple != 0)
    throw ShapeMismatch("UNet: expected [B, " + std::to_string(config_.channels) + ", H, W] with H and W multiples of " +
                        std::to_string(multiple));
  if (c_noise.dim() != 1 || c_noise.size(0) != x.size(0))
    throw ShapeMismatch("UNet: expected one noise level per image");
  auto& m = *modules_;
  const auto emb = m.embed2(torch::silu(m.embed1(sinusoidal(c_noise.to(x.dtype()), config_.embedding_channels))));
  auto h = m.input(x);
  std::vector<torch::Tensor> skips{h};
  size_t stage = 0;
  const auto levels = config_.channel_multipliers.size();
  for (size_t level = 0; level < levels; ++level) {
    for (int64_t b = 0; b < config_.residual_blocks; ++b, ++stage) {
      h = m.down[stage].block->forward(h, emb);
      if (m.down[stage].attention) h = m.down[stage].attention->forward(h);
      skips.push_back(h);
    }
    if (level + 1 < levels) {
      h = m.downsample[level]->forward(h);
      skips.push_back(h);
    }
  }
  h = m.middle2->forward(m.middle_attention->forward(m.middle1->forward(h, emb)), emb);
  stage = 0;
  size_t up = 0;
  for (size_t level = levels; level-- > 0;) {
    for (int64_t b = 0; b <= config_.residual_blocks; ++b, ++stage) {
      h = m.up[stage].block->forward(torch::cat({h, skips.back()}, 1), emb);
      skips.pop_back();
      if (m.up[stage].attention) h = m.up[stage].attention->forward(h);
    }
    if (level > 0) {
      h = nn::functional::interpolate(
          h, nn::functional::InterpolateFuncOptions().scale_factor(std::vector<double>{2, 2}).mode(torch::kNearest));
      h = m.upsample[up++]->forward(h);
    }
  }
  return m.output(torch::silu(m.output_norm(h)));
}

std::vector<std::pair<std::string, torch::Tensor>> UNet::named_parameters() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& item : modules_->named_parameters(/*recurse=*/true)) out.emplace_back(item.key(), item.value());
  return out;
}

int64_t UNet::parameter_count() const {
  int64_t count = 0;
  for (const auto& p : modules_->parameters()) count += p.numel();
  return count;
}

void UNet::to(const torch::Device& device) {
  modules_->to(device);
  modules_->each_adapted([&](auto& layer) {
    if (layer.lora) layer.lora->to(device);
  });
}

void UNet::train(bool on) {
  modules_->train(on);
  modules_->each_adapted([&](auto& layer) {
    if (layer.lora) layer.lora->train(on);
  });
}

void UNet::add_lora(const LoraOptions& options, uint64_t seed) {
  if (has_lora()) throw InvalidArgument("UNet: LoRA adapters are already in place");
  LoraFactory factory{options, at::detail::createCPUGenerator(seed),
                      std::make_shared<at::Generator>(at::detail::createCPUGenerator(seed + 1))};
  modules_->each_adapted([&](auto& layer) { factory.adapt(layer); });
}

bool UNet::has_lora() const {
  bool any = false;
  modules_->each_adapted([&](auto& layer) { any = any || layer.lora != nullptr; });
  return any;
}

std::vector<torch::Tensor> UNet::adaptable_parameters() const {
  std::vector<torch::Tensor> out;
  modules_->each_adapted([&](auto& layer) {
    if (!layer.lora) return;
    for (const auto& p : layer.lora->parameters()) out.push_back(p);
  });
  for (const auto& item : modules_->named_parameters(/*recurse=*/true)) {
    const std::string& name = item.key();
    const bool bias = name.size() >= 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
    if (bias && name.find(".embed.bias") == std::string::npos) out.push_back(item.value());
  }
  return out;
}

void UNet::merge_lora() {
  modules_->each_adapted([](auto& layer) { merge(layer); });
}

UNet UNet::clone() const {
  if (has_lora()) throw InvalidArgument("UNet: merge the LoRA adapters before cloning");
  UNet copy(config_);
  torch::NoGradGuard no_grad;
  const auto source = modules_->named_parameters(true);
  auto target = copy.modules_->named_parameters(true);
  for (const auto& item : source) target[item.key()].copy_(item.value());
  if (!source.is_empty()) copy.to(source.begin()->value().device());
  return copy;
}

}  // namespace diffrecon
