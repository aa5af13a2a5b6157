#pragma once

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <utility>

#include "priors/denoiser.h"
#include "priors/slice_plane.h"

namespace diffrecon {

struct SlicePriorOptions {
  SlicePlane plane = SlicePlane::kAxial;
  int64_t image_size = 128;           // slices smaller than this are zero-padded (centred) to it
  int64_t max_batch = 0;              // slices per network call; 0: as many as memory_budget allows
  // The network's working memory per call; 0: automatic, 2048 MB on the CPU and half the free memory
  // of a CUDA device (measured at each call).
  double memory_budget_mb = 0;
  // > 0: the volume is divided by this percentile of its values before and multiplied after (the
  // model's training normalisation, see PriorModel::intensity_percentile); 0: taken as it is.
  double normalize_percentile = 0;
};

// A 2D denoiser applied to a volume slice by slice along a plane: slices are padded to the model's
// size (and to a multiple of its size_multiple), denoised in batches, cropped back. Real volumes feed
// 1-channel models; complex volumes feed 2-channel models as (real, imaginary).
class SlicePrior {
 public:
  SlicePrior(std::shared_ptr<const Denoiser> denoiser, SlicePriorOptions options);

  // D(x; σ) slice by slice for a volume x [Z, Y, X]: the Tweedie estimate of every slice, same shape,
  // dtype and device as x. Runs under c10::InferenceMode unless x requires a gradient (then the result
  // is differentiable in x, e.g. for DPS).
  torch::Tensor denoise(const torch::Tensor& volume, double sigma) const;

  // Jᵀ v, J the Jacobian of x ↦ denoise(x, σ) at `volume` (the normalising percentile, if any, held
  // fixed): the vector-Jacobian product that DPS needs, evaluated a slice batch at a time (a third of
  // the inference batch: autograd keeps the activations) so memory stays bounded for any volume.
  // `cotangent` of the volume's shape; works under c10::InferenceMode too.
  torch::Tensor denoise_vjp(const torch::Tensor& volume, double sigma, const torch::Tensor& cotangent) const;

  // D(·; σ) of the slices `indices` (int64, along the plane) of `volume`: images [n, H, W], differentiable
  // in the denoiser's parameters and in the volume (DDIP's adaptation; n should fit one batch).
  torch::Tensor denoise_selected(const torch::Tensor& volume, const torch::Tensor& indices, double sigma) const;

  // Slices per network call for images of height × width on `device`.
  int64_t batch_size(int64_t height, int64_t width, torch::Device device = torch::kCPU) const;

  const Denoiser& denoiser() const { return *denoiser_; }
  const SlicePriorOptions& options() const { return options_; }

 private:
  void check_channels(const torch::Tensor& volume) const;
  // The normalising divisor of `volume` (1 without normalize_percentile).
  double normalising_scale(const torch::Tensor& volume) const;
  // D of images [N, H, W] (real or complex) in volume units: `scale` · network(images / scale).
  torch::Tensor denoise_images(const torch::Tensor& images, double sigma, double scale) const;
  // The network on channel images [N, C, H, W]: padded to the model's size, batch by batch, cropped back.
  torch::Tensor denoise_slices(const torch::Tensor& slices, double sigma) const;
  // The padded size of an h × w image.
  std::pair<int64_t, int64_t> padded_size(int64_t height, int64_t width) const;

  std::shared_ptr<const Denoiser> denoiser_;
  SlicePriorOptions options_;
};

}  // namespace diffrecon
