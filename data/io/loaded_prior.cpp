#include "data/io/loaded_prior.h"

#include "data/io/prior_file.h"
#include "priors/torchscript_denoiser.h"

namespace diffrecon {

LoadedPrior load_prior_file(const std::string& path, torch::Device device) {
  LoadedPrior prior;
  prior.path = path;
  if (is_torchscript_file(path)) {
    auto module = std::make_shared<TorchScriptDenoiser>(path);
    const TorchScriptSidecar& sidecar = module->sidecar();
    prior.model.architecture.channels = sidecar.channels;
    prior.model.plane = sidecar.plane;
    prior.model.image_size = sidecar.image_size;
    prior.model.intensity_percentile = sidecar.intensity_percentile;
    prior.model.training_data = "a TorchScript module";
    prior.denoiser = module;
  } else {
    prior.model = read_prior(path);
    prior.denoiser = make_denoiser(prior.model);
  }
  prior.denoiser->to(device);
  return prior;
}

}  // namespace diffrecon
