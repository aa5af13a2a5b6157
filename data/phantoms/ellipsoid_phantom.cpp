#include "data/phantoms/ellipsoid_phantom.h"

#include <cmath>

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

}  // namespace diffrecon
