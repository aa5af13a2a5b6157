#pragma once

#include <torch/types.h>

#include <memory>

#include "priors/edm_denoiser.h"
#include "priors/unet.h"

namespace diffrecon::testing {

// A UNet small enough for unit tests (two levels of 8 and 16 channels, no attention).
inline UNetConfig tiny_unet_config(int64_t channels = 1) {
  UNetConfig c;
  c.channels = channels;
  c.base_channels = 8;
  c.channel_multipliers = {1, 2};
  c.residual_blocks = 1;
  c.attention_levels = {};
  c.groups = 4;
  c.embedding_channels = 16;
  return c;
}

// An EDM denoiser around a tiny UNet whose weights are all perturbed by N(0, std²) (from torch's global
// generator): unlike an untrained one (whose last convolution is zero), a non-linear map of x.
inline std::shared_ptr<EdmDenoiser> random_tiny_denoiser(int64_t channels = 1, double std = 0.1) {
  auto denoiser = std::make_shared<EdmDenoiser>(UNet(tiny_unet_config(channels)), 0.5);
  torch::NoGradGuard no_grad;
  for (auto& [name, parameter] : denoiser->network().named_parameters()) parameter.add_(torch::randn_like(parameter) * std);
  return denoiser;
}

}  // namespace diffrecon::testing
