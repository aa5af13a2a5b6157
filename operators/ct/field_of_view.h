#pragma once

#include <torch/types.h>

#include "operators/ct/parallel_beam.h"

namespace diffrecon {

// The measured field of view of a parallel-beam geometry: the disc of pixels that every view sees,
// radius R = (detector_count − 1)/2 · detector_spacing (the outermost bin centres), centred on the rotation
// axis (parallel_beam.h's coordinates). Outside it a pixel is missed by some views, so the data do not
// determine it. Returns a float32 [ny, nx] mask on `device`: 1 where x_i² + y_j² ≤ R², else 0. When the
// detector covers the slice's diagonal every pixel is inside.
torch::Tensor field_of_view_mask(const ParallelBeamGeometry& geometry, torch::Device device = torch::kCPU);

// The fraction of the slice's pixels outside the field of view (0 when the detector covers the slice).
double outside_field_of_view_fraction(const ParallelBeamGeometry& geometry);

}  // namespace diffrecon
