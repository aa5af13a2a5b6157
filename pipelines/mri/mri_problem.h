#pragma once

#include <torch/types.h>

#include <string>

#include "core/measurement.h"
#include "operators/linear_operator.h"

namespace diffrecon {

// How an MRI measurement was acquired: parameter "fft_dims" 2 (multi-slice 2D, the default when absent)
// or 3 (one 3D acquisition). Throws InvalidArgument for an MRI measurement with another value, or a CT one.
int fft_dims_of(const Measurement& measurement);

enum class CoilMapSource {
  kAuto,           // the measurement's "coil_maps" when present, otherwise ESPIRiT
  kEspirit,        // espirit.h, from the fully sampled k-space centre
  kLowResolution,  // coil_maps.h's lowres_coil_maps (fast, cruder)
};

// "auto", "espirit", "lowres"; parse throws InvalidArgument for anything else.
const char* to_string(CoilMapSource source);
CoilMapSource parse_coil_map_source(const std::string& name);

// The coil maps of a measurement on `device`, complex64 [C, Z, Y, X], normalised to Σ_c |S_c|² = 1
// where they cover the object and 0 elsewhere (coil_maps.h's normalised_coil_maps): every MRI method
// gets its maps here, so none depends on the maps' gain (maps from other tools rarely have unit norm).
torch::Tensor coil_maps_of(const Measurement& measurement, torch::Device device,
                           CoilMapSource source = CoilMapSource::kAuto);

// A = M F S (operators/mri/sense.h) for the measurement, with the given maps, on the maps' device.
OperatorPtr mri_forward_operator(const Measurement& measurement, const torch::Tensor& coil_maps);

}  // namespace diffrecon
