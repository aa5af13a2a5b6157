#pragma once

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "priors/edm_denoiser.h"
#include "priors/slice_plane.h"
#include "priors/unet.h"

namespace diffrecon {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// A trained 2D prior as a model file stores it (docs/prior_format.md): the network, its
// preconditioning, what it was trained on and how intensities are scaled, and its (EMA) weights.
struct PriorModel {
  UNetConfig architecture;
  double sigma_data = 0.5;          // EDM preconditioning (edm_denoiser.h)
  SlicePlane plane = SlicePlane::kAxial;
  int64_t image_size = 128;         // the slices were fitted (zero-padded/cropped) to image_size²
  // Training images were divided by this percentile of their volume's intensities and clipped to
  // [0, 1]; SlicePrior's --normalize applies the same scaling.
  double intensity_percentile = 99.5;
  std::string training_data;        // a description of the data, e.g. "colin27 training part (z < 55%)"
  std::string training_command;     // the command line that trained it
  int64_t training_steps = 0;
  NamedTensors parameters;          // float32, CPU, the network's names
};

// "fnv1a64:<16 hex digits>" over every parameter's name, shape and float32 bytes (little-endian), in
// order: identifies the weights independently of the file that carries them.
std::string content_hash(const NamedTensors& parameters);

// Copies `parameters` into the network; throws InvalidArgument naming a missing, unexpected or
// wrongly shaped parameter.
void load_parameters(UNet& network, const NamedTensors& parameters);

// Snapshot of a network's parameters (float32, CPU, detached copies).
NamedTensors copy_parameters(const UNet& network);

// The model as a ready denoiser (on the CPU; move it with to()).
std::unique_ptr<EdmDenoiser> make_denoiser(const PriorModel& model);

}  // namespace diffrecon
