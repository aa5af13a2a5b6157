#pragma once

#include <cstdint>
#include <vector>

#include "core/measurement.h"
#include "core/volume.h"

namespace diffrecon {

struct CtScan {
  std::vector<double> angles;    // radians (ct_problem.h: sparse_view_angles, limited_angle_angles)
  int64_t detector_count = 0;    // 0: enough bins to cover the slice's diagonal
  double detector_spacing = 0;   // mm; 0: the smaller in-plane pixel spacing
};

// Adds noise to noiseless line integrals (any shape, real) as NoiseModel describes: "gaussian" adds
// N(0, σ²); "poisson" draws counts N ~ Poisson(I0 · exp(−p)) and returns −log(max(N, 1) / I0); "none"
// returns a copy. Deterministic for a seed (drawn on the CPU whatever the device).
torch::Tensor add_ct_noise(const torch::Tensor& line_integrals, const NoiseModel& noise, uint64_t seed);

// Parallel-beam measurement of `volume` (μ in 1/mm, real) with the scan's angles and detector:
// y = A x (+ noise), the volume's size and geometry recorded for the reconstruction; provenance.seed =
// seed (the caller fills in the rest of the provenance). Throws InvalidArgument for a complex volume,
// bad scan parameters or an invalid noise model.
Measurement simulate_ct(const Volume& volume, const CtScan& scan, const NoiseModel& noise, uint64_t seed);

}  // namespace diffrecon
