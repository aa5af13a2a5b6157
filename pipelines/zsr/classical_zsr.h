#pragma once

#include <torch/types.h>

#include <string>

#include "core/measurement.h"
#include "core/volume.h"

namespace diffrecon {

// Interpolation along z between the thick slices, each placed at the centre of the thin slices it
// averages (thick slice k of n_k slices at thin index k f + (n_k − 1)/2); constant beyond the first
// and last centre.
enum class ZInterpolation {
  kNearest,  // the thick slice that contains the thin one (A⁺ y: consistent with the data)
  kLinear,
  kCubic,    // Keys' cubic convolution (a = −1/2, Catmull-Rom) in the thick-slice index, with Keys'
             // boundary samples
};

// "nearest", "linear", "cubic"; parse throws InvalidArgument for anything else.
const char* to_string(ZInterpolation kind);
ZInterpolation parse_z_interpolation(const std::string& name);

// The interpolation weights W [Z, Zt] of thin slice j on thick slice k (rows sum to 1).
torch::Tensor z_interpolation_weights(int64_t z, int64_t factor, ZInterpolation kind);

// The thin-slice volume (float32, the measurement's geometry) of a z-SR measurement.
Volume z_interpolation_reconstruction(const Measurement& measurement, ZInterpolation kind, torch::Device device);

}  // namespace diffrecon
