#include "core/metrics.h"

#include <cmath>
#include <limits>

#include "core/error.h"

namespace diffrecon {
namespace {

// Both tensors as real float64 on the reference's device, after checking their shapes agree.
std::pair<torch::Tensor, torch::Tensor> prepare(const torch::Tensor& reference, const torch::Tensor& estimate,
                                                const char* what) {
  if (!reference.defined() || !estimate.defined()) throw InvalidArgument(std::string(what) + ": undefined tensor");
  if (reference.sizes() != estimate.sizes())
    throw ShapeMismatch(std::string(what) + ": reference and estimate differ in shape");
  if (reference.numel() == 0) throw InvalidArgument(std::string(what) + ": empty tensors");
  auto as_real = [](const torch::Tensor& t) { return (t.is_complex() ? t.abs() : t).to(torch::kDouble); };
  const auto ref = as_real(reference);
  return {ref, as_real(estimate).to(ref.device())};
}

double psnr_with_range(const torch::Tensor& ref, const torch::Tensor& est, double range, const char* what) {
  if (!(range > 0)) throw InvalidArgument(std::string(what) + ": the data range is zero (constant reference)");
  const double mse = (ref - est).pow(2).mean().item<double>();
  if (mse == 0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(range * range / mse);
}

double resolve_range(const torch::Tensor& ref, double data_range) {
  return data_range > 0 ? data_range : (ref.max() - ref.min()).item<double>();
}

// Mean SSIM over a batch of 2D images [B, H, W] or volumes [B, D, H, W] (spatial rank 2 or 3).
double mean_ssim(const torch::Tensor& x, const torch::Tensor& y, double range, int window, int spatial_rank,
                 const char* what) {
  if (!(range > 0)) throw InvalidArgument(std::string(what) + ": the data range is zero (constant reference)");
  if (window < 2) throw InvalidArgument(std::string(what) + ": the window must have at least 2 samples");
  for (int d = 1; d <= spatial_rank; ++d)
    if (x.size(d) < window)
      throw InvalidArgument(std::string(what) + ": the image is smaller than the " + std::to_string(window) +
                            "-sample window");
  auto local_mean = [&](const torch::Tensor& t) {
    const auto c = t.unsqueeze(1);  // [B, 1, ...]
    return (spatial_rank == 2 ? at::avg_pool2d(c, window, 1) : at::avg_pool3d(c, window, 1)).squeeze(1);
  };
  const double n = std::pow(window, spatial_rank);
  const double sample = n / (n - 1);  // unbiased (sample) covariances
  const auto ux = local_mean(x), uy = local_mean(y);
  const auto vx = sample * (local_mean(x * x) - ux * ux);
  const auto vy = sample * (local_mean(y * y) - uy * uy);
  const auto vxy = sample * (local_mean(x * y) - ux * uy);
  const double c1 = std::pow(0.01 * range, 2), c2 = std::pow(0.03 * range, 2);
  const auto s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
  return s.mean().item<double>();
}

}  // namespace

double psnr(const torch::Tensor& reference, const torch::Tensor& estimate) {
  const auto [ref, est] = prepare(reference, estimate, "psnr");
  return psnr_with_range(ref, est, (ref.max() - ref.min()).item<double>(), "psnr");
}

double psnr_fastmri(const torch::Tensor& reference, const torch::Tensor& estimate) {
  const auto [ref, est] = prepare(reference, estimate, "psnr_fastmri");
  return psnr_with_range(ref, est, ref.max().item<double>(), "psnr_fastmri");
}

double nmse(const torch::Tensor& reference, const torch::Tensor& estimate) {
  const auto [ref, est] = prepare(reference, estimate, "nmse");
  const double energy = ref.pow(2).sum().item<double>();
  if (!(energy > 0)) throw InvalidArgument("nmse: the reference is zero");
  return (ref - est).pow(2).sum().item<double>() / energy;
}

double ssim_2d(const torch::Tensor& reference, const torch::Tensor& estimate, double data_range, int window) {
  const auto [ref, est] = prepare(reference, estimate, "ssim_2d");
  if (ref.dim() != 2 && ref.dim() != 3) throw ShapeMismatch("ssim_2d: expected [H, W] or [B, H, W]");
  const auto batch = [](const torch::Tensor& t) { return t.dim() == 2 ? t.unsqueeze(0) : t; };
  return mean_ssim(batch(ref), batch(est), resolve_range(ref, data_range), window, 2, "ssim_2d");
}

double ssim_3d(const torch::Tensor& reference, const torch::Tensor& estimate, double data_range, int window) {
  const auto [ref, est] = prepare(reference, estimate, "ssim_3d");
  if (ref.dim() != 3) throw ShapeMismatch("ssim_3d: expected a volume [Z, Y, X]");
  return mean_ssim(ref.unsqueeze(0), est.unsqueeze(0), resolve_range(ref, data_range), window, 3, "ssim_3d");
}

const char* to_string(Plane plane) {
  switch (plane) {
    case Plane::kAxial: return "axial";
    case Plane::kCoronal: return "coronal";
    case Plane::kSagittal: return "sagittal";
  }
  return "?";
}

PlaneMetrics plane_metrics(const torch::Tensor& reference, const torch::Tensor& estimate, Plane plane) {
  const auto [ref, est] = prepare(reference, estimate, "plane_metrics");
  if (ref.dim() != 3) throw ShapeMismatch("plane_metrics: expected a volume [Z, Y, X]");
  const double range = (ref.max() - ref.min()).item<double>();
  if (!(range > 0)) throw InvalidArgument("plane_metrics: the reference is constant");
  const int64_t dim = plane == Plane::kAxial ? 0 : plane == Plane::kCoronal ? 1 : 2;
  const auto slices_ref = ref.movedim(dim, 0), slices_est = est.movedim(dim, 0);  // [S, H, W]

  const auto error = (slices_ref - slices_est).pow(2).flatten(1);
  const auto mse = error.mean(1);
  const auto energy = slices_ref.pow(2).flatten(1).sum(1);
  const auto finite = mse > 0;
  PlaneMetrics m;
  m.psnr = finite.any().item<bool>()
               ? (10.0 * torch::log10(range * range / mse.masked_select(finite))).mean().item<double>()
               : std::numeric_limits<double>::infinity();
  const auto nonzero = energy > 0;
  m.nmse = nonzero.any().item<bool>()
               ? (error.sum(1).masked_select(nonzero) / energy.masked_select(nonzero)).mean().item<double>()
               : 0.0;
  m.ssim = mean_ssim(slices_ref, slices_est, range, 7, 2, "plane_metrics");
  return m;
}

}  // namespace diffrecon
