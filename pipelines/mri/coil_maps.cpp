#include "pipelines/mri/coil_maps.h"

#include <cmath>

#include "core/error.h"
#include "operators/mri/centred_fft.h"

namespace diffrecon {

torch::Tensor birdcage_coil_maps(int64_t coils, int64_t nz, int64_t ny, int64_t nx) {
  if (coils < 1 || nz < 1 || ny < 1 || nx < 1) throw InvalidArgument("birdcage_coil_maps: sizes must be positive");
  const auto opts = torch::TensorOptions().dtype(torch::kDouble);
  const auto y = ((torch::arange(ny, opts) - ny / 2) / (0.5 * ny)).view({ny, 1});
  const auto x = ((torch::arange(nx, opts) - nx / 2) / (0.5 * nx)).view({1, nx});
  std::vector<torch::Tensor> maps;
  for (int64_t c = 0; c < coils; ++c) {
    const double angle = 2 * M_PI * static_cast<double>(c) / static_cast<double>(coils);
    const auto dx = x - 1.5 * std::cos(angle), dy = y - 1.5 * std::sin(angle);
    const auto distance = torch::sqrt(dx * dx + dy * dy);
    const auto phase = torch::atan2(dy, dx) + angle;
    maps.push_back(torch::polar(1.0 / distance, phase));
  }
  auto s = torch::stack(maps);  // [C, Y, X]
  s = s / torch::sqrt((s.abs() * s.abs()).sum(0, true));
  return s.unsqueeze(1).expand({coils, nz, ny, nx}).to(torch::kComplexFloat).contiguous();
}

torch::Tensor lowres_coil_maps(const torch::Tensor& kspace, int fft_dims, int64_t calibration) {
  if (!kspace.defined() || !kspace.is_complex() || kspace.dim() != 4)
    throw InvalidArgument("lowres_coil_maps: expected complex k-space [C, Z, Y, X]");
  if (fft_dims != 2 && fft_dims != 3) throw InvalidArgument("lowres_coil_maps: fft_dims must be 2 or 3");
  if (calibration < 2) throw InvalidArgument("lowres_coil_maps: the calibration box needs at least 2 samples");
  auto window = torch::ones(kspace.sizes(), kspace.options().dtype(c10::toRealValueType(kspace.scalar_type())));
  for (int d = 0; d < fft_dims; ++d) {
    const int64_t dim = 3 - d, n = kspace.size(dim), width = std::min(calibration, n);
    // Hann window over [n/2 − width/2, n/2 − width/2 + width), zero elsewhere.
    auto profile = torch::zeros({n}, window.options());
    const int64_t start = n / 2 - width / 2;
    const auto t = torch::arange(width, window.options());
    profile.narrow(0, start, width).copy_(0.5 - 0.5 * torch::cos(2 * M_PI * (t + 0.5) / width));
    std::vector<int64_t> shape(4, 1);
    shape[dim] = n;
    window = window * profile.view(shape);
  }
  const auto images = centred_ifft(kspace * window, fft_dims);
  const auto energy = (images.abs() * images.abs()).sum(0, true);
  const double epsilon = 1e-6 * energy.max().item<double>();
  return images / torch::sqrt(energy + epsilon);
}

torch::Tensor normalised_coil_maps(const torch::Tensor& maps) {
  if (!maps.defined() || !maps.is_complex() || maps.dim() < 2)
    throw InvalidArgument("normalised_coil_maps: expected complex coil maps [C, ...]");
  const auto energy = (maps.abs() * maps.abs()).sum(0, true);
  const double floor = 1e-6 * energy.max().item<double>();
  const auto covered = energy > floor;
  return torch::where(covered, maps / torch::sqrt(torch::where(covered, energy, torch::ones_like(energy))),
                      torch::zeros_like(maps));
}

}  // namespace diffrecon
