#pragma once

#include <cstdint>

#include "core/measurement.h"
#include "core/volume.h"
#include "operators/linear_operator.h"

namespace diffrecon {

// The slice factor f of a z-SR measurement (its "slice_factor" parameter).
int64_t slice_factor(const Measurement& measurement);

// A: the thin-slice volume [Z, Y, X] → the measured thick slices [⌈Z/f⌉, Y, X] (operators/slice_average.h).
OperatorPtr zsr_forward_operator(const Measurement& measurement);

// A thick-slice acquisition of `volume` (real): each thick slice the mean of `factor` thin ones (the last
// group partial when factor does not divide Z), plus Gaussian noise of σ per voxel ("gaussian") or none.
// The measurement keeps the thin-slice geometry as the volume to reconstruct.
Measurement simulate_zsr(const Volume& volume, int64_t factor, const NoiseModel& noise, uint64_t seed);

// The z-SR measurement of an acquired thick-slice volume (e.g. a clinical DICOM series of thick MR
// slices): f thin slices per thick one, all groups whole (Z = f · Zt). The thin slices keep the thick
// slices' in-plane grid, spacing_z / f apart, centred on their thick slice: thin slice 0 lies
// (f − 1)/2 thin spacings before thick slice 0 along the slice direction.
Measurement thick_slice_measurement(const Volume& thick, int64_t factor);

}  // namespace diffrecon
