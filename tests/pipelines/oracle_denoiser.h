#pragma once

#include <torch/types.h>

#include "priors/denoiser.h"

namespace diffrecon::testing {

// A denoiser that knows the answer: the exact denoiser of the prior x0 ~ N(truth, std² I) per pixel,
// D(x; σ) = t + std² / (std² + σ²) (x − t) with t the true slices (in the order SlicePrior asks for
// them; a complex truth makes a 2-channel, complex prior); std = 0 returns the truth whatever the input. Diffusion pipelines with it isolate the sampler
// and data-consistency plumbing (Langevin steps need std > 0: their step size divides by the score).
class OracleDenoiser : public Denoiser {
 public:
  explicit OracleDenoiser(const torch::Tensor& truth, double std = 0)
      : slices_(truth.is_complex() ? torch::view_as_real(truth).permute({0, 3, 1, 2}).contiguous() : truth.unsqueeze(1)),
        std_(std) {}
  torch::Tensor denoise(const torch::Tensor& x, const torch::Tensor& sigma) const override {
    const auto t = slices_.narrow(0, next_, x.size(0)).to(x.dtype());
    next_ = (next_ + x.size(0)) % slices_.size(0);
    const auto shrink = std_ * std_ / (std_ * std_ + sigma.to(x.dtype()).pow(2).view({-1, 1, 1, 1}));
    return t + shrink * (x - t);
  }
  int64_t channels() const override { return slices_.size(1); }
  int64_t size_multiple() const override { return 1; }
  void to(const torch::Device&) override {}

 private:
  torch::Tensor slices_;
  double std_;
  mutable int64_t next_ = 0;
};

}  // namespace diffrecon::testing
