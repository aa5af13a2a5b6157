#include "operators/ct/fbp.h"

#include <ATen/Dispatch.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/threading.h"

namespace diffrecon {
namespace {

// Adds Σ_v weight_v q_v(p · θ_v) to every pixel p of the slices; q is [nz, views, bins] contiguous.
template <typename T>
void back_project(const T* q, T* image, const ParallelBeamGeometry& g, const std::vector<double>& weights) {
  const int64_t views = static_cast<int64_t>(g.angles.size()), bins = g.detector_count;
  const double cx = 0.5 * (g.nx - 1), cy = 0.5 * (g.ny - 1), centre_bin = 0.5 * (bins - 1);
  parallel_for(0, g.nz * g.ny, 1, [&](int64_t begin, int64_t end) {
    std::vector<double> row(g.nx);
    for (int64_t zj = begin; zj < end; ++zj) {
      const int64_t z = zj / g.ny, j = zj % g.ny;
      const double y = (j - cy) * g.pixel_spacing_y;
      std::fill(row.begin(), row.end(), 0.0);
      for (int64_t v = 0; v < views; ++v) {
        const T* detector = q + (z * views + v) * bins;
        const double c = std::cos(g.angles[v]), s = std::sin(g.angles[v]);
        // Detector coordinate (in bins) of pixel i: u_i = u_0 + i · du.
        const double u0 = (-cx * g.pixel_spacing_x * c + y * s) / g.detector_spacing + centre_bin;
        const double du = g.pixel_spacing_x * c / g.detector_spacing;
        for (int64_t i = 0; i < g.nx; ++i) {
          const double u = u0 + i * du;
          const double lower = std::floor(u);
          const auto k = static_cast<int64_t>(lower);
          if (k < -1 || k >= bins) continue;
          const double w = u - lower;
          const double left = k >= 0 ? static_cast<double>(detector[k]) : 0.0;
          const double right = k + 1 < bins ? static_cast<double>(detector[k + 1]) : 0.0;
          row[i] += weights[v] * ((1 - w) * left + w * right);
        }
      }
      T* out = image + (z * g.ny + j) * g.nx;
      for (int64_t i = 0; i < g.nx; ++i) out[i] = static_cast<T>(row[i]);
    }
  });
}

}  // namespace

std::vector<double> angular_weights(const std::vector<double>& angles) {
  const size_t n = angles.size();
  if (n == 0) throw InvalidArgument("angular_weights: no angles");
  std::vector<std::pair<double, size_t>> reduced;
  for (size_t k = 0; k < n; ++k) {
    if (!std::isfinite(angles[k])) throw InvalidArgument("angular_weights: angles must be finite");
    double a = std::fmod(angles[k], M_PI);
    if (a < 0) a += M_PI;
    reduced.emplace_back(a, k);
  }
  std::sort(reduced.begin(), reduced.end());
  std::vector<double> gaps(n);  // gaps[k]: from sorted view k to the next, cyclically
  for (size_t k = 0; k < n; ++k)
    gaps[k] = (k + 1 < n ? reduced[k + 1].first : reduced[0].first + M_PI) - reduced[k].first;
  std::vector<double> nonzero;
  for (const double gap : gaps)
    if (gap > 1e-12) nonzero.push_back(gap);
  std::vector<double> weights(n, M_PI / static_cast<double>(n));
  if (nonzero.empty()) return weights;
  std::nth_element(nonzero.begin(), nonzero.begin() + nonzero.size() / 2, nonzero.end());
  const double cap = nonzero[nonzero.size() / 2];
  for (size_t k = 0; k < n; ++k) {
    const double before = gaps[(k + n - 1) % n], after = gaps[k];
    weights[reduced[k].second] = 0.5 * (std::min(before, cap) + std::min(after, cap));
  }
  return weights;
}

torch::Tensor filtered_back_projection(const torch::Tensor& sinogram, const ParallelBeamGeometry& g,
                                       RampWindow window) {
  // Validates the geometry and the sinogram's shape.
  const auto projector = parallel_beam_projector(g);
  if (!sinogram.defined() || !sinogram.is_floating_point() || sinogram.sizes() != c10::IntArrayRef(projector->range_shape()))
    throw ShapeMismatch("filtered_back_projection: expected a real sinogram of shape " +
                        to_string(projector->range_shape()));
  const auto filtered = ramp_filter(sinogram.to(torch::kCPU), g.detector_spacing, window).contiguous();
  auto image = torch::empty(projector->domain_shape(), filtered.options());
  const auto weights = angular_weights(g.angles);
  AT_DISPATCH_FLOATING_TYPES(filtered.scalar_type(), "filtered_back_projection", [&] {
    back_project(filtered.data_ptr<scalar_t>(), image.data_ptr<scalar_t>(), g, weights);
  });
  return image.to(sinogram.device());
}

}  // namespace diffrecon
