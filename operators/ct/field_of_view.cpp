#include "operators/ct/field_of_view.h"

#include "core/error.h"

namespace diffrecon {

torch::Tensor field_of_view_mask(const ParallelBeamGeometry& g, torch::Device device) {
  if (g.nx < 1 || g.ny < 1 || g.detector_count < 1 || !(g.detector_spacing > 0))
    throw InvalidArgument("field_of_view_mask: the geometry needs a non-empty slice and detector");
  const double radius = 0.5 * static_cast<double>(g.detector_count - 1) * g.detector_spacing;
  const auto options = torch::TensorOptions().dtype(torch::kDouble);
  const auto x = (torch::arange(g.nx, options) - 0.5 * (g.nx - 1)) * g.pixel_spacing_x;
  const auto y = (torch::arange(g.ny, options) - 0.5 * (g.ny - 1)) * g.pixel_spacing_y;
  const auto r2 = y.square().unsqueeze(1) + x.square().unsqueeze(0);
  // A relative tolerance keeps pixels that lie on the circle by construction inside.
  return (r2 <= radius * radius * (1 + 1e-9)).to(device, torch::kFloat);
}

double outside_field_of_view_fraction(const ParallelBeamGeometry& g) {
  return 1.0 - field_of_view_mask(g).mean().item<double>();
}

}  // namespace diffrecon
