#include "data/phantoms/analytic_projection.h"

#include <cmath>

#include "core/error.h"

namespace diffrecon {

torch::Tensor analytic_parallel_projection(const std::vector<Ellipsoid>& ellipsoids, int64_t nz,
                                           const std::vector<double>& angles_rad,
                                           const std::vector<double>& detector_positions, double half_width) {
  if (nz <= 0) throw InvalidArgument("analytic_parallel_projection: nz must be positive");
  if (!(half_width > 0 && std::isfinite(half_width)))
    throw InvalidArgument("analytic_parallel_projection: half_width must be positive and finite");
  for (double t : angles_rad)
    if (!std::isfinite(t)) throw InvalidArgument("analytic_parallel_projection: angles must be finite");
  for (double s : detector_positions)
    if (!std::isfinite(s))
      throw InvalidArgument("analytic_parallel_projection: detector positions must be finite");
  for (const Ellipsoid& e : ellipsoids)
    if (!(e.semi_axis_x > 0 && e.semi_axis_y > 0 && e.semi_axis_z > 0))
      throw InvalidArgument("analytic_parallel_projection: semi-axes must be positive");

  const auto n_angles = static_cast<int64_t>(angles_rad.size());
  const auto n_detectors = static_cast<int64_t>(detector_positions.size());
  auto out = torch::zeros({nz, n_angles, n_detectors}, torch::TensorOptions().dtype(torch::kDouble));
  double* data = out.data_ptr<double>();

  std::vector<double> s_normalised(detector_positions.size());
  for (size_t i = 0; i < detector_positions.size(); ++i) s_normalised[i] = detector_positions[i] / half_width;
  // Per ellipsoid and angle: projected centre x0 cos θ + y0 sin θ, α²(θ) and 2 v A B h / α². The slice
  // ellipse has α'² = r² α² and 2 v (rA)(rB) / α'² = 2 v A B / α², so only the support α'² changes with z.
  std::vector<double> centre(angles_rad.size()), alpha2(angles_rad.size()), scale(angles_rad.size());
  for (const Ellipsoid& e : ellipsoids) {
    const double a = e.semi_axis_x, b = e.semi_axis_y;
    for (size_t j = 0; j < angles_rad.size(); ++j) {
      const double theta = angles_rad[j];
      const double cr = std::cos(theta - e.phi), sr = std::sin(theta - e.phi);
      centre[j] = e.centre_x * std::cos(theta) + e.centre_y * std::sin(theta);
      alpha2[j] = a * a * cr * cr + b * b * sr * sr;
      scale[j] = 2 * e.value * a * b * half_width / alpha2[j];
    }
    for (int64_t k = 0; k < nz; ++k) {
      const double z = (2.0 * k + 1) / static_cast<double>(nz) - 1;
      const double w = (z - e.centre_z) / e.semi_axis_z;
      const double r2 = 1 - w * w;
      if (!(r2 > 0)) continue;
      for (int64_t j = 0; j < n_angles; ++j) {
        const double support = r2 * alpha2[j];
        double* row = data + (k * n_angles + j) * n_detectors;
        for (int64_t i = 0; i < n_detectors; ++i) {
          const double sp = s_normalised[i] - centre[j];
          const double d = support - sp * sp;
          if (d > 0) row[i] += scale[j] * std::sqrt(d);
        }
      }
    }
  }
  return out;
}

}  // namespace diffrecon
