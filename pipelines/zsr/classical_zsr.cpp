#include "pipelines/zsr/classical_zsr.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "core/error.h"
#include "operators/slice_average.h"
#include "pipelines/zsr/zsr_problem.h"

namespace diffrecon {
namespace {

// Catmull-Rom weights of the samples k − 1, k, k + 1, k + 2 at t ∈ [0, 1) past sample k.
std::array<double, 4> catmull_rom(double t) {
  const double t2 = t * t, t3 = t2 * t;
  return {(-t3 + 2 * t2 - t) / 2, (3 * t3 - 5 * t2 + 2) / 2, (-3 * t3 + 4 * t2 + t) / 2, (t3 - t2) / 2};
}

}  // namespace

const char* to_string(ZInterpolation kind) {
  switch (kind) {
    case ZInterpolation::kNearest:
      return "nearest";
    case ZInterpolation::kLinear:
      return "linear";
    case ZInterpolation::kCubic:
      return "cubic";
  }
  return "?";
}

ZInterpolation parse_z_interpolation(const std::string& name) {
  for (const auto kind : {ZInterpolation::kNearest, ZInterpolation::kLinear, ZInterpolation::kCubic})
    if (name == to_string(kind)) return kind;
  throw InvalidArgument("unknown z interpolation '" + name + "' (expected nearest, linear or cubic)");
}

torch::Tensor z_interpolation_weights(int64_t z, int64_t factor, ZInterpolation kind) {
  if (z < 1 || factor < 1) throw InvalidArgument("z_interpolation_weights: z and factor must be >= 1");
  const int64_t thick = thick_slice_count(z, factor);
  std::vector<double> centre(thick);
  for (int64_t k = 0; k < thick; ++k) centre[k] = k * factor + (std::min(factor, z - k * factor) - 1) / 2.0;
  auto w = torch::zeros({z, thick}, torch::kDouble);
  auto a = w.accessor<double, 2>();
  // Sample index i, with Keys' boundary samples outside [0, thick): y₋₁ = 3y₀ − 3y₁ + y₂ (and mirrored at
  // the end), which keep the interpolation exact for quadratics; 2y₀ − y₁ with two samples only.
  const auto add = [&](int64_t j, int64_t i, double weight) {
    if (i >= 0 && i < thick) {
      a[j][i] += weight;
      return;
    }
    const int64_t edge = i < 0 ? 0 : thick - 1, inward = i < 0 ? 1 : -1;
    if (thick >= 3) {
      a[j][edge] += 3 * weight;
      a[j][edge + inward] -= 3 * weight;
      a[j][edge + 2 * inward] += weight;
    } else {
      a[j][edge] += 2 * weight;
      a[j][edge + inward] -= weight;
    }
  };
  for (int64_t j = 0; j < z; ++j) {
    if (kind == ZInterpolation::kNearest || thick == 1) {
      a[j][std::min(j / factor, thick - 1)] = 1;
      continue;
    }
    // k: the last centre at or before j (clamped to the first interval), t ∈ [0, 1] within [k, k + 1].
    int64_t k = 0;
    while (k + 2 < thick && centre[k + 1] <= j) ++k;
    const double t = std::clamp((j - centre[k]) / (centre[k + 1] - centre[k]), 0.0, 1.0);
    if (kind == ZInterpolation::kLinear) {
      a[j][k] += 1 - t;
      a[j][k + 1] += t;
    } else {
      const auto c = catmull_rom(t);
      for (int64_t i = 0; i < 4; ++i) add(j, k - 1 + i, c[i]);
    }
  }
  return w;
}

Volume z_interpolation_reconstruction(const Measurement& m, ZInterpolation kind, torch::Device device) {
  const auto w = z_interpolation_weights(m.volume_size[2], slice_factor(m), kind).to(device, torch::kFloat);
  const auto y = m.data.to(device, torch::kFloat);
  const auto x = torch::matmul(w, y.reshape({y.size(0), -1})).reshape({w.size(0), y.size(1), y.size(2)});
  return Volume(x.contiguous(), m.geometry);
}

}  // namespace diffrecon
