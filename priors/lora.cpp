#include "priors/lora.h"

#include <cmath>

#include "core/error.h"

namespace diffrecon {

LoraAdapter::LoraAdapter(const torch::Tensor& w, int64_t stride, int64_t padding, const LoraOptions& options,
                         at::Generator& generator, std::shared_ptr<at::Generator> dropout_generator)
    : convolution_(w.dim() == 4),
      stride_(stride),
      padding_(padding),
      scale_(options.scale),
      dropout_(options.dropout),
      dropout_generator_(std::move(dropout_generator)) {
  if (w.dim() != 2 && w.dim() != 4) throw InvalidArgument("LoRA: expected a linear [out, in] or convolution weight");
  if (options.rank < 1 || !std::isfinite(options.scale) || !(options.dropout >= 0 && options.dropout < 1))
    throw InvalidArgument("LoRA: rank >= 1, a finite scale and dropout in [0, 1) required");
  const int64_t out = w.size(0), r = options.rank;
  const auto opts = torch::TensorOptions().dtype(w.scalar_type());
  auto down_shape = w.sizes().vec();
  down_shape[0] = r;
  down_ = (at::randn(down_shape, generator, opts) / static_cast<double>(r)).to(w.device());
  up_ = convolution_ ? torch::zeros({out, r, 1, 1}, opts.device(w.device())) : torch::zeros({out, r}, opts.device(w.device()));
  down_.requires_grad_(true);
  up_.requires_grad_(true);
}

torch::Tensor LoraAdapter::forward(const torch::Tensor& x) const {
  auto h = convolution_ ? torch::conv2d(x, down_, {}, stride_, padding_) : torch::linear(x, down_);
  if (training_ && dropout_ > 0) {
    auto keep = torch::empty(h.sizes(), torch::kFloat).bernoulli_(1 - dropout_, *dropout_generator_);
    h = h * keep.to(h.device(), h.scalar_type()) / (1 - dropout_);
  }
  return scale_ * (convolution_ ? torch::conv2d(h, up_) : torch::linear(h, up_));
}

torch::Tensor LoraAdapter::weight_delta() const {
  if (!convolution_) return scale_ * up_.matmul(down_);
  return scale_ * torch::einsum("or,rikl->oikl", {up_.flatten(1), down_});
}

void LoraAdapter::to(const torch::Device& device) {
  down_ = down_.detach().to(device).requires_grad_(true);
  up_ = up_.detach().to(device).requires_grad_(true);
}

}  // namespace diffrecon
