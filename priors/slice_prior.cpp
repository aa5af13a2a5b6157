#include "priors/slice_prior.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <utility>

#include "core/error.h"
#include "core/statistics.h"

namespace diffrecon {
namespace {

// Working memory of one network call per image pixel: a UNet of this project's widths keeps about
// 48 float32 feature maps of the base width alive per pixel (measured order of magnitude), times 3
// when autograd keeps activations for the backward pass.
constexpr double kBytesPerPixel = 4.0 * 48 * 32;

int64_t round_up(int64_t value, int64_t multiple) { return (value + multiple - 1) / multiple * multiple; }

}  // namespace

SlicePrior::SlicePrior(std::shared_ptr<const Denoiser> denoiser, SlicePriorOptions options)
    : denoiser_(std::move(denoiser)), options_(options) {
  if (!denoiser_) throw InvalidArgument("SlicePrior: no denoiser");
  if (options_.image_size < 1 || options_.max_batch < 0 || !(options_.memory_budget_mb > 0) ||
      !(options_.normalize_percentile >= 0 && options_.normalize_percentile <= 100))
    throw InvalidArgument("SlicePrior: image_size >= 1, max_batch >= 0, memory_budget_mb > 0, percentile in [0, 100]");
}

int64_t SlicePrior::batch_size(int64_t height, int64_t width) const {
  const double per_image = kBytesPerPixel * double(height) * double(width);
  const auto fits = static_cast<int64_t>(options_.memory_budget_mb * 1024 * 1024 / per_image);
  const int64_t batch = std::max<int64_t>(1, fits);
  return options_.max_batch > 0 ? std::min(batch, options_.max_batch) : batch;
}

torch::Tensor SlicePrior::denoise_slices(const torch::Tensor& slices, double sigma) const {
  // slices [N, C, H, W] → padded to the model's size, denoised batch by batch, cropped back.
  const int64_t h = slices.size(2), w = slices.size(3), multiple = denoiser_->size_multiple();
  const int64_t ph = round_up(std::max(h, options_.image_size), multiple);
  const int64_t pw = round_up(std::max(w, options_.image_size), multiple);
  const auto padded = fit_to_size(slices, ph, pw);
  const int64_t batch = batch_size(ph, pw);
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < padded.size(0); start += batch) {
    const auto chunk = padded.narrow(0, start, std::min(batch, padded.size(0) - start));
    parts.push_back(diffrecon::denoise(*denoiser_, chunk, sigma));
  }
  return fit_to_size(torch::cat(parts), h, w);
}

torch::Tensor SlicePrior::denoise(const torch::Tensor& volume, double sigma) const {
  if (volume.dim() != 3) throw ShapeMismatch("SlicePrior: expected a volume [Z, Y, X]");
  const bool complex = volume.is_complex();
  if (denoiser_->channels() != (complex ? 2 : 1))
    throw ShapeMismatch(std::string("SlicePrior: a ") + (complex ? "complex" : "real") + " volume needs a " +
                        (complex ? "2" : "1") + "-channel model, this one has " + std::to_string(denoiser_->channels()));
  const bool grad = volume.requires_grad();
  auto run = [&] {
    double scale = 1;
    if (options_.normalize_percentile > 0) {
      scale = percentile(complex ? volume.detach().abs() : volume.detach(), options_.normalize_percentile);
      if (!(scale > 0)) throw InvalidArgument("SlicePrior: the volume's normalising percentile is not positive");
    }
    const auto slices = to_slices(volume / scale, options_.plane);
    const auto images = complex ? torch::view_as_real(slices.contiguous()).permute({0, 3, 1, 2})
                                : slices.unsqueeze(1);
    const auto denoised = denoise_slices(images.to(torch::kFloat), sigma / scale);
    const auto back = complex ? torch::view_as_complex(denoised.permute({0, 2, 3, 1}).contiguous())
                              : denoised.squeeze(1);
    return (from_slices(back, options_.plane) * scale).to(volume.scalar_type()).contiguous();
  };
  if (grad) return run();
  c10::InferenceMode inference;
  return run();
}

}  // namespace diffrecon
