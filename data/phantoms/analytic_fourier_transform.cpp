#include "data/phantoms/analytic_fourier_transform.h"

#include <cmath>

#include "core/error.h"

namespace diffrecon {
namespace {

// Below t = 1 the closed form 3 (sin t − t cos t)/t³ loses ~3ε/t² to cancellation; the series
// 3 j₁(t)/t = Σ_{n≥1} (−1)^{n+1} 6n t^{2n−2} / (2n + 1)! truncated after kSeriesTerms terms errs by
// less than 1e-20 there.
constexpr double kSeriesBelow = 1.0;
constexpr int kSeriesTerms = 10;

// 3 j₁(t)/t, elementwise for t ≥ 0.
torch::Tensor ball_profile(const torch::Tensor& t) {
  const auto small = t < kSeriesBelow;
  const auto t_direct = torch::where(small, torch::ones_like(t), t);
  const auto direct = 3 * (torch::sin(t_direct) - t_direct * torch::cos(t_direct)) / t_direct.pow(3);

  double coefficient[kSeriesTerms];
  double factorial = 1;  // (2n + 1)!
  for (int n = 1; n <= kSeriesTerms; ++n) {
    factorial *= (2.0 * n) * (2.0 * n + 1);
    coefficient[n - 1] = (n % 2 == 1 ? 6.0 : -6.0) * n / factorial;
  }
  const auto t2 = t * t;
  auto series = torch::full_like(t, coefficient[kSeriesTerms - 1]);
  for (int n = kSeriesTerms - 2; n >= 0; --n) series = series * t2 + coefficient[n];
  return torch::where(small, series, direct);
}

}  // namespace

torch::Tensor analytic_fourier_transform(const std::vector<Ellipsoid>& ellipsoids, const torch::Tensor& kx,
                                         const torch::Tensor& ky, const torch::Tensor& kz) {
  for (const torch::Tensor* k : {&kx, &ky, &kz}) {
    if (!k->defined())
      throw InvalidArgument("analytic_fourier_transform: frequencies must be defined tensors");
    if (k->is_complex() || k->scalar_type() == torch::kBool)
      throw ShapeMismatch("analytic_fourier_transform: frequencies must be real, got " +
                          std::string(c10::toString(k->scalar_type())));
  }
  if (kx.device() != ky.device() || kx.device() != kz.device())
    throw ShapeMismatch("analytic_fourier_transform: kx, ky, kz must be on one device");
  for (const Ellipsoid& e : ellipsoids)
    if (!(e.semi_axis_x > 0 && e.semi_axis_y > 0 && e.semi_axis_z > 0))
      throw InvalidArgument("analytic_fourier_transform: semi-axes must be positive");

  std::vector<torch::Tensor> k;
  try {
    k = torch::broadcast_tensors({kx, ky, kz});
  } catch (const c10::Error&) {
    throw ShapeMismatch("analytic_fourier_transform: kx " + c10::str(kx.sizes()) + ", ky " +
                        c10::str(ky.sizes()) + ", kz " + c10::str(kz.sizes()) + " do not broadcast");
  }
  const auto x = k[0].to(torch::kDouble), y = k[1].to(torch::kDouble), z = k[2].to(torch::kDouble);
  auto real = torch::zeros_like(x), imag = torch::zeros_like(x);
  for (const Ellipsoid& e : ellipsoids) {
    const double c = std::cos(e.phi), s = std::sin(e.phi);
    const auto u = e.semi_axis_x * (c * x + s * y);
    const auto v = e.semi_axis_y * (-s * x + c * y);
    const auto w = e.semi_axis_z * z;
    const auto t = 2 * M_PI * torch::sqrt(u * u + v * v + w * w);
    const double volume = 4 * M_PI / 3 * e.semi_axis_x * e.semi_axis_y * e.semi_axis_z;
    const auto amplitude = e.value * volume * ball_profile(t);
    const auto phase = 2 * M_PI * (e.centre_x * x + e.centre_y * y + e.centre_z * z);
    real += amplitude * torch::cos(phase);
    imag -= amplitude * torch::sin(phase);
  }
  return torch::complex(real, imag);
}

}  // namespace diffrecon
