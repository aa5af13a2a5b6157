#pragma once

#include <torch/types.h>

#include <memory>
#include <string>

#include "priors/denoiser.h"
#include "priors/prior_model.h"

namespace diffrecon {

// A prior ready to apply, from a file: a diffrecon model file (prior_file.h) or a TorchScript module
// with its sidecar MODULE.ini (priors/torchscript_denoiser.h; `model` then holds the sidecar's fields
// and no parameters).
struct LoadedPrior {
  std::string path;
  PriorModel model;
  std::shared_ptr<Denoiser> denoiser;  // on the requested device, evaluation mode
};

// Throws IoError naming the file when it is neither.
LoadedPrior load_prior_file(const std::string& path, torch::Device device);

}  // namespace diffrecon
