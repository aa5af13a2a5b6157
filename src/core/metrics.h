#pragma once

#include <torch/types.h>

namespace diffrecon {

// Peak signal-to-noise ratio in dB, 10 log10(R² / MSE) with data range R = max(reference) − min(reference).
// Both tensors must be real and of the same shape; complex inputs are compared by magnitude.
double psnr(const torch::Tensor& reference, const torch::Tensor& estimate);

}  // namespace diffrecon
