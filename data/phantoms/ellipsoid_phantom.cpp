#include "data/phantoms/ellipsoid_phantom.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "core/error.h"

namespace diffrecon {
namespace {

constexpr double kDegree = M_PI / 180.0;

}  // namespace

std::vector<Ellipsoid> shepp_logan_ellipsoids(bool modified) {
  // value (original, modified), semi-axes (x, y, z), centre (x, y, z), phi in degrees. The table's y
  // axis points up (anterior at the top of the picture); ours grows with the row index, so y and the
  // angle change sign.
  struct Row {
    double original, modified, a, b, c, x, y, z, phi_deg;
  };
  static const Row kRows[] = {
      {2.00, 1.0, 0.6900, 0.920, 0.810, 0.00, 0.0000, 0.00, 0},
      {-0.98, -0.8, 0.6624, 0.874, 0.780, 0.00, -0.0184, 0.00, 0},
      {-0.02, -0.2, 0.1100, 0.310, 0.220, 0.22, 0.0000, 0.00, -18},
      {-0.02, -0.2, 0.1600, 0.410, 0.280, -0.22, 0.0000, 0.00, 18},
      {0.01, 0.1, 0.2100, 0.250, 0.410, 0.00, 0.3500, -0.15, 0},
      {0.01, 0.1, 0.0460, 0.046, 0.050, 0.00, 0.1000, 0.25, 0},
      {0.01, 0.1, 0.0460, 0.046, 0.050, 0.00, -0.1000, 0.25, 0},
      {0.01, 0.1, 0.0460, 0.023, 0.050, -0.08, -0.6050, 0.00, 0},
      {0.01, 0.1, 0.0230, 0.023, 0.020, 0.00, -0.6060, 0.00, 0},
      {0.01, 0.1, 0.0230, 0.046, 0.020, 0.06, -0.6050, 0.00, 0},
  };
  std::vector<Ellipsoid> out;
  for (const Row& r : kRows)
    out.push_back({modified ? r.modified : r.original, r.a, r.b, r.c, r.x, -r.y, r.z, -r.phi_deg * kDegree});
  return out;
}

torch::Tensor rasterize_ellipsoids(const std::vector<Ellipsoid>& ellipsoids, int64_t nz, int64_t ny, int64_t nx) {
  if (nz <= 0 || ny <= 0 || nx <= 0) throw InvalidArgument("rasterize_ellipsoids: sizes must be positive");
  const auto opts = torch::TensorOptions().dtype(torch::kDouble);
  auto centres = [&](int64_t n) { return (2 * torch::arange(n, opts) + 1) / static_cast<double>(n) - 1; };
  const auto z = centres(nz).view({nz, 1, 1});
  const auto y = centres(ny).view({1, ny, 1});
  const auto x = centres(nx).view({1, 1, nx});
  auto volume = torch::zeros({nz, ny, nx}, opts);
  for (const Ellipsoid& e : ellipsoids) {
    if (!(e.semi_axis_x > 0 && e.semi_axis_y > 0 && e.semi_axis_z > 0))
      throw InvalidArgument("rasterize_ellipsoids: semi-axes must be positive");
    const double c = std::cos(e.phi), s = std::sin(e.phi);
    const auto dx = x - e.centre_x, dy = y - e.centre_y, dz = z - e.centre_z;
    const auto u = (c * dx + s * dy) / e.semi_axis_x;   // R(−phi)(p − centre)
    const auto v = (-s * dx + c * dy) / e.semi_axis_y;
    const auto w = dz / e.semi_axis_z;
    volume += e.value * ((u * u + v * v + w * w) <= 1.0).to(torch::kDouble);
  }
  return volume.to(torch::kFloat);
}

torch::Tensor shepp_logan_3d(int64_t nz, int64_t ny, int64_t nx, bool modified) {
  return rasterize_ellipsoids(shepp_logan_ellipsoids(modified), nz, ny, nx);
}

std::vector<Ellipsoid> random_ellipsoids(int count, uint64_t seed, const RandomEllipsoidOptions& options) {
  const RandomEllipsoidOptions& o = options;
  if (count < 0) throw InvalidArgument("random_ellipsoids: count must be >= 0");
  if (!(o.min_semi_axis > 0 && o.min_semi_axis <= o.max_semi_axis && o.max_semi_axis <= 1))
    throw InvalidArgument("random_ellipsoids: semi-axis range must satisfy 0 < min <= max <= 1");
  if (!(o.min_value >= 0 && o.min_value <= o.max_value && std::isfinite(o.max_value)))
    throw InvalidArgument("random_ellipsoids: value range must satisfy 0 <= min <= max < inf");
  if (!(o.negative_fraction >= 0 && o.negative_fraction <= 1))
    throw InvalidArgument("random_ellipsoids: negative_fraction must lie in [0, 1]");

  std::mt19937_64 engine(seed);
  auto uniform = [&engine](double lo, double hi) {
    const double u = static_cast<double>(engine() >> 11) * 0x1.0p-53;
    return lo + (hi - lo) * u;
  };
  std::vector<Ellipsoid> out;
  out.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    Ellipsoid e{};
    e.semi_axis_x = uniform(o.min_semi_axis, o.max_semi_axis);
    e.semi_axis_y = uniform(o.min_semi_axis, o.max_semi_axis);
    e.semi_axis_z = uniform(o.min_semi_axis, o.max_semi_axis);
    e.phi = uniform(0, M_PI);
    const double c = std::cos(e.phi), s = std::sin(e.phi);
    const double a2 = e.semi_axis_x * e.semi_axis_x, b2 = e.semi_axis_y * e.semi_axis_y;
    const double half_x = std::min(1.0, std::sqrt(a2 * c * c + b2 * s * s));
    const double half_y = std::min(1.0, std::sqrt(a2 * s * s + b2 * c * c));
    e.centre_x = uniform(-1 + half_x, 1 - half_x);
    e.centre_y = uniform(-1 + half_y, 1 - half_y);
    e.centre_z = uniform(-1 + e.semi_axis_z, 1 - e.semi_axis_z);
    const double magnitude = uniform(o.min_value, o.max_value);
    e.value = uniform(0, 1) < o.negative_fraction ? -magnitude : magnitude;
    out.push_back(e);
  }
  return out;
}

}  // namespace diffrecon
