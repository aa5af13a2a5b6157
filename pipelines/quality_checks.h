#pragma once

#include <torch/types.h>

#include "core/measurement.h"
#include "core/volume.h"

namespace diffrecon {

// What a reviewer checks of a reconstruction x before trusting it (batch QA, issue 9).

// ‖A x − y‖ / ‖y‖ with the measurement's forward operator: the CT projector, the MRI SENSE operator
// (the measurement's coil maps, else ESPIRiT's; x, a magnitude image, taken as real, which is right for
// data without image phase), the z-SR slice averaging. Computed on `device`.
double data_consistency(const Measurement& measurement, const Volume& x, torch::Device device);

// ‖a − b‖ / ‖b‖ (complex-aware): e.g. how far a prior moved x from the classical reconstruction b.
double relative_difference(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace diffrecon
