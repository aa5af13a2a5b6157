#pragma once

#include <torch/types.h>

#include "priors/denoiser.h"

namespace diffrecon::testing {

// The exact denoiser of the Gaussian "prior" x0 ~ N(mean, std²) per pixel:
// E[x0 | x0 + σ n = x] = mean + std² / (std² + σ²) (x − mean).
class GaussianDenoiser : public Denoiser {
 public:
  GaussianDenoiser(double mean, double std, int64_t channels = 1, int64_t multiple = 1)
      : mean_(mean), std_(std), channels_(channels), multiple_(multiple) {}

  torch::Tensor denoise(const torch::Tensor& x, const torch::Tensor& sigma) const override {
    const auto s2 = sigma.to(x.options()).pow(2).view({-1, 1, 1, 1});
    return mean_ + (std_ * std_) / (std_ * std_ + s2) * (x - mean_);
  }
  int64_t channels() const override { return channels_; }
  int64_t size_multiple() const override { return multiple_; }
  void to(const torch::Device&) override {}

 private:
  double mean_, std_;
  int64_t channels_, multiple_;
};

}  // namespace diffrecon::testing
