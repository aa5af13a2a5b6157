#pragma once

#include <torch/types.h>

#include <vector>

#include "operators/ct/parallel_beam.h"
#include "operators/ct/ramp_filter.h"

namespace diffrecon {

// Angular quadrature weights Δθ_v of the back projection f(p) ≈ Σ_v Δθ_v q_v(p · θ_v): with the angles
// reduced modulo π and sorted, each view gets half the gaps to its two neighbours (cyclically), each
// gap capped at the median non-zero gap, so a missing wedge (limited angle) is not filled in by the views
// beside it. Uniform views over [0, π) get π / V each; views over [0, 2π) share each direction.
std::vector<double> angular_weights(const std::vector<double>& angles);

// Filtered back projection of a sinogram [nz, views, detector_count] in the geometry's units: ramp filter
// (ramp_filter.h, with `window`), then a pixel-driven back projection with linear interpolation on the
// detector, f(p) = Σ_v Δθ_v q_v(p · θ_v) (zero where p · θ_v falls outside the detector). For line
// integrals in mm of μ in 1/mm it returns μ in 1/mm on the [nz, ny, nx] grid. The back projection runs
// on the CPU (CUDA inputs are copied there and the result returned on their device).
torch::Tensor filtered_back_projection(const torch::Tensor& sinogram, const ParallelBeamGeometry& geometry,
                                       RampWindow window = RampWindow::kRamLak);

}  // namespace diffrecon
