#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "priors/slice_plane.h"

namespace diffrecon {

// Augmentation that stretches a few volumes into many plausible images (all draws from the generator):
// a left–right flip with probability ½; an affine map (rotation, isotropic scale, shear, translation);
// an elastic displacement (a coarse Gaussian grid, bicubically upsampled); a gamma x^γ with
// ln γ ~ N(0, gamma_log_std²); a smooth multiplicative bias field exp(b), b a coarse Gaussian grid
// upsampled; finally clipping to [0, 1].
struct AugmentationOptions {
  bool flips = true;
  double rotation_degrees = 10;  // uniform in ±
  double scale = 0.1;            // 1 + uniform in ±
  double shear = 0.05;           // uniform in ±
  double translation = 0.05;     // fraction of the image, uniform in ±
  double elastic = 0.015;        // displacement standard deviation, fraction of the half-width
  int64_t elastic_grid = 5;
  double gamma_log_std = 0.15;
  double bias_field = 0.1;       // standard deviation of b
  int64_t bias_grid = 4;
};

// images [B, C, H, W] (values in [0, 1]) → augmented images of the same shape.
torch::Tensor augment(const torch::Tensor& images, at::Generator& generator, const AugmentationOptions& options);

// One random patch × patch window of each image [B, C, H, W] (H, W ≥ patch).
torch::Tensor random_crops(const torch::Tensor& images, int64_t patch, at::Generator& generator);

// Slices of volumes along a plane, the training images of a 2D prior.
class SliceDataset {
 public:
  // Slices along `plane` of each volume [Z, Y, X] (values in [0, 1]), fitted (centred zero padding or
  // cropping) to size × size; slices whose maximum is below min_content (background) are left out.
  SliceDataset(const std::vector<torch::Tensor>& volumes, SlicePlane plane, int64_t size, double min_content = 0.05);

  int64_t count() const { return slices_.size(0); }
  const torch::Tensor& slices() const { return slices_; }  // [N, 1, size, size]

  // `batch` random slices, augmented, cut to random patch × patch windows: [batch, 1, patch, patch].
  torch::Tensor batch(int64_t batch, int64_t patch, const AugmentationOptions& options, at::Generator& generator) const;

 private:
  torch::Tensor slices_;
};

// Random-ellipse phantom images [count, 1, size, size] in [0, 1] (DDIP's out-of-distribution prior): a
// head-sized ellipse of value 0.6 … 1 holding 3 … 10 smaller ellipses of value ±0.1 … 0.5, clipped.
torch::Tensor ellipse_images(int64_t count, int64_t size, at::Generator& generator);

}  // namespace diffrecon
