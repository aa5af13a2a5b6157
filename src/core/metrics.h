#pragma once

#include <torch/types.h>

namespace diffrecon {

// Image-quality metrics. Complex inputs are compared by magnitude; sums are accumulated in double;
// tensors may live on any device (the estimate is moved to the reference's device).

// Peak signal-to-noise ratio in dB, 10 log10(R² / MSE) with data range R = max(reference) − min(reference).
double psnr(const torch::Tensor& reference, const torch::Tensor& estimate);

// fastMRI's convention: R = max(reference).
double psnr_fastmri(const torch::Tensor& reference, const torch::Tensor& estimate);

// Normalised mean squared error ‖reference − estimate‖² / ‖reference‖².
double nmse(const torch::Tensor& reference, const torch::Tensor& estimate);

// Structural similarity (Wang et al. 2004) with a uniform window of `window` samples per axis, sample
// covariances, K1 = 0.01, K2 = 0.03, averaged over the positions where the window fits entirely (the
// defaults of scikit-image's structural_similarity, which fastMRI uses). `data_range` ≤ 0 means
// max(reference) − min(reference).
// 2D: images [H, W] or a batch [B, H, W] (mean over the batch). 3D: a volume [Z, Y, X].
double ssim_2d(const torch::Tensor& reference, const torch::Tensor& estimate, double data_range = 0, int window = 7);
double ssim_3d(const torch::Tensor& reference, const torch::Tensor& estimate, double data_range = 0, int window = 7);

enum class Plane { kAxial, kCoronal, kSagittal };  // slices at fixed z, y, x of a [Z, Y, X] volume
const char* to_string(Plane plane);

struct PlaneMetrics {
  double psnr;  // mean over slices of the slice PSNR (volume data range; exact slices are skipped)
  double ssim;  // mean over slices of the 2D SSIM (volume data range)
  double nmse;  // mean over slices with a non-zero reference
};

// The 2D metrics of every slice of a [Z, Y, X] volume along `plane`, averaged.
PlaneMetrics plane_metrics(const torch::Tensor& reference, const torch::Tensor& estimate, Plane plane);

}  // namespace diffrecon
