#include "operators/ct/ramp_filter.h"

#include <ATen/ops/fft_irfft.h>
#include <ATen/ops/fft_rfft.h>
#include <ATen/ops/real.h>

#include <cmath>
#include <vector>

#include "core/error.h"

namespace diffrecon {
namespace {

struct WindowName {
  RampWindow window;
  const char* name;
};
constexpr WindowName kWindowNames[] = {{RampWindow::kRamLak, "ram-lak"},
                                       {RampWindow::kSheppLogan, "shepp-logan"},
                                       {RampWindow::kCosine, "cosine"},
                                       {RampWindow::kHann, "hann"}};

int64_t padded_length(int64_t bins) {
  int64_t n = 64;
  while (n < 2 * bins) n *= 2;
  return n;
}

double window_gain(RampWindow window, double f) {
  switch (window) {
    case RampWindow::kRamLak: return 1.0;
    case RampWindow::kSheppLogan: return f == 0 ? 1.0 : std::sin(M_PI * f) / (M_PI * f);
    case RampWindow::kCosine: return std::cos(M_PI * f);
    case RampWindow::kHann: return 0.5 * (1 + std::cos(2 * M_PI * f));
  }
  return 1.0;
}

// τ · ĥ at the rfft frequencies k/n (k = 0 … n/2) of the padded length n: the discrete convolution
// τ Σ_m h(mτ) p((k − m)τ) as one multiplication.
torch::Tensor frequency_response(int64_t n, double tau, RampWindow window) {
  std::vector<double> kernel(n, 0.0);
  kernel[0] = 1.0 / (4 * tau * tau);
  for (int64_t i = 1; i < n; ++i) {
    const int64_t m = i <= n / 2 ? i : i - n;
    if (m % 2 != 0) kernel[i] = -1.0 / std::pow(M_PI * m * tau, 2);
  }
  auto response = at::real(at::fft_rfft(torch::tensor(kernel, torch::kDouble))) * tau;
  response = response.contiguous();
  auto gains = response.accessor<double, 1>();
  for (int64_t k = 0; k < gains.size(0); ++k) gains[k] *= window_gain(window, static_cast<double>(k) / n);
  return response;
}

}  // namespace

const char* to_string(RampWindow window) {
  for (const auto& entry : kWindowNames)
    if (entry.window == window) return entry.name;
  return "unknown";
}

RampWindow parse_ramp_window(const std::string& name) {
  for (const auto& entry : kWindowNames)
    if (name == entry.name) return entry.window;
  throw InvalidArgument("unknown filter window '" + name + "' (expected ram-lak, shepp-logan, cosine or hann)");
}

torch::Tensor ramp_filter(const torch::Tensor& sinogram, double detector_spacing, RampWindow window) {
  if (!sinogram.defined() || sinogram.dim() < 1 || !sinogram.is_floating_point())
    throw InvalidArgument("ramp_filter: expected a real floating-point sinogram");
  if (!(detector_spacing > 0) || !std::isfinite(detector_spacing))
    throw InvalidArgument("ramp_filter: the detector spacing must be finite and positive");
  const int64_t bins = sinogram.size(-1), n = padded_length(bins);
  const auto response = frequency_response(n, detector_spacing, window).to(sinogram.device(), sinogram.scalar_type());
  const auto filtered = at::fft_irfft(at::fft_rfft(sinogram, n, -1) * response, n, -1);
  return filtered.narrow(-1, 0, bins).contiguous();
}

}  // namespace diffrecon
