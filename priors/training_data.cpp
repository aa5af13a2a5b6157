#include "priors/training_data.h"

#include <torch/nn/functional/upsampling.h>
#include <torch/nn/functional/vision.h>

#include <cmath>

#include "core/error.h"

namespace diffrecon {
namespace {

namespace F = torch::nn::functional;

// Uniform in [−1, 1).
torch::Tensor symmetric(at::IntArrayRef sizes, at::Generator& generator) {
  return torch::rand(sizes, generator, torch::dtype(torch::kFloat)) * 2 - 1;
}

// A smooth random field: a [B, channels, grid, grid] Gaussian grid upsampled bicubically to [H, W].
torch::Tensor smooth_field(int64_t batch, int64_t channels, int64_t grid, int64_t height, int64_t width,
                           at::Generator& generator) {
  const auto coarse = torch::randn({batch, channels, grid, grid}, generator, torch::dtype(torch::kFloat));
  return F::interpolate(coarse, F::InterpolateFuncOptions()
                                    .size(std::vector<int64_t>{height, width})
                                    .mode(torch::kBicubic)
                                    .align_corners(true));
}

}  // namespace

torch::Tensor augment(const torch::Tensor& images, at::Generator& generator, const AugmentationOptions& options) {
  if (images.dim() != 4) throw ShapeMismatch("augment: expected images [B, C, H, W]");
  const int64_t b = images.size(0), h = images.size(2), w = images.size(3);
  const double pi = std::acos(-1.0);
  const auto angle = symmetric({b}, generator) * (options.rotation_degrees * pi / 180);
  const auto scale = 1 + symmetric({b}, generator) * options.scale;
  const auto shear = symmetric({b}, generator) * options.shear;
  const auto shift = symmetric({b, 2}, generator) * (2 * options.translation);
  auto flip = torch::ones({b});
  if (options.flips) flip = torch::where(torch::rand({b}, generator) < 0.5, -flip, flip);
  // θ maps output to input coordinates: R(angle) · [[scale·flip, shear], [0, scale]], then the shift.
  const auto c = angle.cos(), s = angle.sin();
  const auto m00 = c * scale * flip, m01 = c * shear - s * scale;
  const auto m10 = s * scale * flip, m11 = s * shear + c * scale;
  const auto theta = torch::stack({torch::stack({m00, m01, shift.select(1, 0)}, 1),
                                   torch::stack({m10, m11, shift.select(1, 1)}, 1)},
                                  1);
  auto grid = F::affine_grid(theta, {b, images.size(1), h, w}, /*align_corners=*/false);
  if (options.elastic > 0)
    grid = grid + smooth_field(b, 2, options.elastic_grid, h, w, generator).permute({0, 2, 3, 1}) * options.elastic;
  auto out = F::grid_sample(images.to(torch::kFloat), grid,
                            F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false));
  const auto gamma = (torch::randn({b, 1, 1, 1}, generator) * options.gamma_log_std).exp();
  out = out.clamp_min(0).pow(gamma);
  if (options.bias_field > 0) out = out * (smooth_field(b, 1, options.bias_grid, h, w, generator) * options.bias_field).exp();
  return out.clamp(0, 1);
}

torch::Tensor random_crops(const torch::Tensor& images, int64_t patch, at::Generator& generator) {
  if (images.dim() != 4 || images.size(2) < patch || images.size(3) < patch || patch < 1)
    throw ShapeMismatch("random_crops: images smaller than the patch");
  const auto rows = torch::randint(images.size(2) - patch + 1, {images.size(0)}, generator, torch::kLong);
  const auto cols = torch::randint(images.size(3) - patch + 1, {images.size(0)}, generator, torch::kLong);
  std::vector<torch::Tensor> crops;
  for (int64_t i = 0; i < images.size(0); ++i)
    crops.push_back(images[i].narrow(1, rows[i].item<int64_t>(), patch).narrow(2, cols[i].item<int64_t>(), patch));
  return torch::stack(crops);
}

SliceDataset::SliceDataset(const std::vector<torch::Tensor>& volumes, SlicePlane plane, int64_t size,
                           double min_content) {
  std::vector<torch::Tensor> kept;
  for (const auto& volume : volumes) {
    const auto slices = fit_to_size(to_slices(volume.to(torch::kCPU, torch::kFloat), plane), size, size);
    const auto peaks = std::get<0>(slices.flatten(1).max(1));
    for (int64_t i = 0; i < slices.size(0); ++i)
      if (peaks[i].item<double>() >= min_content) kept.push_back(slices[i]);
  }
  if (kept.empty()) throw InvalidArgument("SliceDataset: no slice has content (all below " + std::to_string(min_content) + ")");
  slices_ = torch::stack(kept).unsqueeze(1).contiguous();
}

torch::Tensor SliceDataset::batch(int64_t batch, int64_t patch, const AugmentationOptions& options,
                                  at::Generator& generator) const {
  const auto chosen = torch::randint(count(), {batch}, generator, torch::kLong);
  return random_crops(augment(slices_.index_select(0, chosen), generator, options), patch, generator);
}

torch::Tensor ellipse_images(int64_t count, int64_t size, at::Generator& generator) {
  const auto axis = (torch::arange(size, torch::kFloat) * 2 + 1) / size - 1;
  const auto y = axis.view({size, 1}), x = axis.view({1, size});
  const double pi = std::acos(-1.0);
  auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * torch::rand({1}, generator).item<double>(); };
  auto ellipse = [&](double cx, double cy, double a, double b, double phi) {
    const double c = std::cos(phi), s = std::sin(phi);
    const auto u = ((x - cx) * c + (y - cy) * s) / a, v = (-(x - cx) * s + (y - cy) * c) / b;
    return (u * u + v * v <= 1).to(torch::kFloat);
  };
  auto images = torch::zeros({count, 1, size, size});
  for (int64_t i = 0; i < count; ++i) {
    const double a = uniform(0.6, 0.9), b = uniform(0.6, 0.9), cx = uniform(-0.08, 0.08), cy = uniform(-0.08, 0.08);
    const double phi = uniform(0, pi);
    auto image = uniform(0.6, 1.0) * ellipse(cx, cy, a, b, phi);
    const int inner = 3 + static_cast<int>(uniform(0, 8));
    for (int k = 0; k < inner; ++k) {
      const double r = uniform(0, 0.6), t = uniform(0, 2 * pi);
      const double value = uniform(0.1, 0.5) * (uniform(0, 1) < 0.5 ? -1 : 1);
      image = image + value * ellipse(cx + r * a * std::cos(t), cy + r * b * std::sin(t), uniform(0.05, 0.35),
                                      uniform(0.05, 0.35), uniform(0, pi)) * (image > 0).to(torch::kFloat);
    }
    images[i][0] = image.clamp(0, 1);
  }
  return images;
}

}  // namespace diffrecon
