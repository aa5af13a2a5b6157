#include "priors/slice_prior.h"

#include <c10/core/InferenceMode.h>
#include <torch/csrc/autograd/autograd.h>
#include <ATen/core/grad_mode.h>

#include <algorithm>
#include <utility>

#include "core/device.h"
#include "core/error.h"
#include "core/statistics.h"

namespace diffrecon {
namespace {

// Working memory of one network call per image pixel: a UNet of this project's widths keeps about
// 48 float32 feature maps of the base width alive per pixel (measured order of magnitude), times 3
// when autograd keeps activations for the backward pass.
constexpr double kBytesPerPixel = 4.0 * 48 * 32;
constexpr double kCpuBudgetBytes = 2048.0 * 1024 * 1024;
// Share of a CUDA device's free memory one network call may use: the rest holds the volume, the
// solver's vectors and the caching allocator's fragmentation.
constexpr double kDeviceBudgetShare = 0.5;

int64_t round_up(int64_t value, int64_t multiple) { return (value + multiple - 1) / multiple * multiple; }

}  // namespace

SlicePrior::SlicePrior(std::shared_ptr<const Denoiser> denoiser, SlicePriorOptions options)
    : denoiser_(std::move(denoiser)), options_(options) {
  if (!denoiser_) throw InvalidArgument("SlicePrior: no denoiser");
  if (options_.image_size < 1 || options_.max_batch < 0 || !(options_.memory_budget_mb >= 0) ||
      !(options_.normalize_percentile >= 0 && options_.normalize_percentile <= 100))
    throw InvalidArgument("SlicePrior: image_size >= 1, max_batch >= 0, memory_budget_mb >= 0, percentile in [0, 100]");
}

int64_t SlicePrior::batch_size(int64_t height, int64_t width, torch::Device device) const {
  double budget = options_.memory_budget_mb * 1024 * 1024;
  if (budget == 0) {
    const auto memory = device_memory(device);
    budget = memory ? kDeviceBudgetShare * double(memory->free) : kCpuBudgetBytes;
  }
  const double per_image = kBytesPerPixel * double(height) * double(width);
  const auto fits = static_cast<int64_t>(budget / per_image);
  const int64_t batch = std::max<int64_t>(1, fits);
  return options_.max_batch > 0 ? std::min(batch, options_.max_batch) : batch;
}

std::pair<int64_t, int64_t> SlicePrior::padded_size(int64_t h, int64_t w) const {
  const int64_t multiple = denoiser_->size_multiple();
  return {round_up(std::max(h, options_.image_size), multiple), round_up(std::max(w, options_.image_size), multiple)};
}

torch::Tensor SlicePrior::denoise_slices(const torch::Tensor& slices, double sigma) const {
  const int64_t h = slices.size(2), w = slices.size(3);
  const auto [ph, pw] = padded_size(h, w);
  const auto padded = fit_to_size(slices, ph, pw);
  const int64_t batch = batch_size(ph, pw, slices.device());
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < padded.size(0); start += batch) {
    const auto chunk = padded.narrow(0, start, std::min(batch, padded.size(0) - start));
    parts.push_back(diffrecon::denoise(*denoiser_, chunk, sigma));
  }
  return fit_to_size(torch::cat(parts), h, w);
}

void SlicePrior::check_channels(const torch::Tensor& volume) const {
  if (volume.dim() != 3) throw ShapeMismatch("SlicePrior: expected a volume [Z, Y, X]");
  const bool complex = volume.is_complex();
  if (denoiser_->channels() != (complex ? 2 : 1))
    throw ShapeMismatch(std::string("SlicePrior: a ") + (complex ? "complex" : "real") + " volume needs a " +
                        (complex ? "2" : "1") + "-channel model, this one has " + std::to_string(denoiser_->channels()));
}

double SlicePrior::normalising_scale(const torch::Tensor& volume) const {
  if (options_.normalize_percentile <= 0) return 1;
  const double scale = percentile(volume.is_complex() ? volume.detach().abs() : volume.detach(), options_.normalize_percentile);
  if (!(scale > 0)) throw InvalidArgument("SlicePrior: the volume's normalising percentile is not positive");
  return scale;
}

torch::Tensor SlicePrior::denoise_images(const torch::Tensor& images, double sigma, double scale) const {
  const bool complex = images.is_complex();
  const auto scaled = images / scale;
  const auto channels = complex ? torch::view_as_real(scaled.contiguous()).permute({0, 3, 1, 2}) : scaled.unsqueeze(1);
  const auto denoised = denoise_slices(channels.to(torch::kFloat), sigma / scale);
  const auto back = complex ? torch::view_as_complex(denoised.permute({0, 2, 3, 1}).contiguous()) : denoised.squeeze(1);
  return back * scale;
}

torch::Tensor SlicePrior::denoise(const torch::Tensor& volume, double sigma) const {
  check_channels(volume);
  auto run = [&] {
    const auto images = denoise_images(to_slices(volume, options_.plane), sigma, normalising_scale(volume));
    return from_slices(images, options_.plane).to(volume.scalar_type()).contiguous();
  };
  if (volume.requires_grad()) return run();
  c10::InferenceMode inference;
  return run();
}

torch::Tensor SlicePrior::denoise_selected(const torch::Tensor& volume, const torch::Tensor& indices,
                                          double sigma) const {
  check_channels(volume);
  const auto images = to_slices(volume, options_.plane).index_select(0, indices.to(volume.device()));
  return denoise_images(images, sigma, normalising_scale(volume)).to(volume.scalar_type());
}

torch::Tensor SlicePrior::denoise_vjp(const torch::Tensor& volume, double sigma, const torch::Tensor& cotangent) const {
  check_channels(volume);
  if (cotangent.sizes() != volume.sizes())
    throw ShapeMismatch("SlicePrior: the cotangent must have the volume's shape");
  const double scale = normalising_scale(volume);
  // Tensors made under InferenceMode cannot enter autograd: leave it and work on copies.
  c10::InferenceMode leave_inference(false);
  at::AutoGradMode grad_on(true);
  const auto slices = to_slices(volume.detach(), options_.plane);
  const auto cotangents = to_slices(cotangent.detach(), options_.plane);
  const auto [ph, pw] = padded_size(slices.size(1), slices.size(2));
  const int64_t batch = std::max<int64_t>(1, batch_size(ph, pw, slices.device()) / 3);
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < slices.size(0); start += batch) {
    const int64_t count = std::min(batch, slices.size(0) - start);
    const auto images = slices.narrow(0, start, count).clone().requires_grad_(true);
    const auto denoised = denoise_images(images, sigma, scale);
    const auto v = cotangents.narrow(0, start, count).to(denoised.scalar_type());
    parts.push_back(torch::autograd::grad({denoised}, {images}, {v})[0].detach());
  }
  return from_slices(torch::cat(parts), options_.plane).to(volume.scalar_type()).contiguous();
}

}  // namespace diffrecon
