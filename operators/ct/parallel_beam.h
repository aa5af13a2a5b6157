#pragma once

#include <vector>

#include "operators/linear_operator.h"

namespace diffrecon {

// 2D parallel-beam geometry applied to every axial slice of a [Z, Y, X] volume.
//
// Coordinates in mm, centred on the slice: pixel (i, j) sits at x = (i − (nx−1)/2)·pixel_spacing_x,
// y = (j − (ny−1)/2)·pixel_spacing_y (x grows with the column, y with the row). For view angle θ
// (radians, from +x towards +y) detector bin u measures the line {p : p·(cos θ, sin θ) = s_u},
// s_u = (u − (detector_count−1)/2)·detector_spacing, i.e. rays run along (−sin θ, cos θ) and θ = 0
// integrates down the columns. These are the conventions of data/phantoms/analytic_projection.h.
struct ParallelBeamGeometry {
  std::vector<double> angles;
  int64_t detector_count = 0;
  double detector_spacing = 1.0;  // mm
  int64_t nz = 0, ny = 0, nx = 0;
  double pixel_spacing_x = 1.0, pixel_spacing_y = 1.0;  // mm
};

// Line integrals (attenuation in 1/mm × length in mm) by Joseph's method (Joseph 1982): along each
// ray, step row by row (column by column when the ray is closer to the x axis), interpolate linearly
// between the two nearest pixels (zero outside the slice) and weight by the step length. Forward and
// back projection run one traversal with two accumulation policies, so Aᵀ is the exact adjoint for the
// plain element-sum inner products. Range [nz, angles, detector_count]; real tensors on the CPU (slices
// and views in parallel on the intra-op pool) or, in CUDA builds, on a GPU (the kernels of ct/cuda/).
//
// Relation to the projector of the official DiffusionMBIR/DDS/TPDM/DDIP code
// (../shared/reference/diffusion_methods.md §1.1): with unit pixel and bin spacing and
// ceil(√2·n) bins, A is their rotate-and-sum A up to interpolation, while their "AT" is
// (π / (2V))·Aᵀ for V views (measured <A x, z>/<x, AT z> = 2V/π). Their ADMM x-update
// (AT A + ρ DᵀD) x = AT y + ρ Dᵀ(z − u) is ours with ρ' = ρ·2V/π; with pixel spacing p mm our A
// carries a further factor p, so ρ' = ρ·(2V/π)·p² and λ' = λ·(2V/π)·p² (λ/ρ, the shrinkage
// threshold on D x, is unchanged).
OperatorPtr parallel_beam_projector(const ParallelBeamGeometry& geometry);

}  // namespace diffrecon
