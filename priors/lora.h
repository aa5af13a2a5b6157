#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace diffrecon {

// Low-rank adaptation (Hu et al., ICLR 2022) as DDIP injects it (reference/diffusion_methods.md §5.1):
// a layer y = W x (convolution or linear) becomes
//   y = W x + scale · up(dropout(down(x))),
// down with the layer's kernel, stride and padding (in → rank channels), up a 1 × 1 convolution or
// linear map (rank → out); down ~ N(0, 1/rank²), up = 0, so a fresh adapter changes nothing.
struct LoraOptions {
  int64_t rank = 4;
  double scale = 1.0;
  double dropout = 0.1;  // on down's output while training (the official code also drops at inference)
};

class LoraAdapter {
 public:
  // `layer_weight`: [out, in, k, k] (convolution with `stride`, `padding`) or [out, in] (linear).
  // Draws down from `generator` (CPU); dropout masks come from `dropout_generator`.
  LoraAdapter(const torch::Tensor& layer_weight, int64_t stride, int64_t padding, const LoraOptions& options,
              at::Generator& generator, std::shared_ptr<at::Generator> dropout_generator);

  // scale · up(dropout(down(x))), of the layer's output shape.
  torch::Tensor forward(const torch::Tensor& x) const;
  // scale · up ∘ down as a weight of the layer's shape: W + delta is the merged layer (without dropout).
  torch::Tensor weight_delta() const;
  // down, up (trainable).
  std::vector<torch::Tensor> parameters() const { return {down_, up_}; }
  void to(const torch::Device& device);
  void train(bool on) { training_ = on; }

 private:
  torch::Tensor down_, up_;
  bool convolution_;
  int64_t stride_, padding_;
  double scale_, dropout_;
  bool training_ = false;
  std::shared_ptr<at::Generator> dropout_generator_;
};

}  // namespace diffrecon
