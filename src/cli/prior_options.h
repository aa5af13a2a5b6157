#pragma once

#include <memory>
#include <string>

#include "cli/command.h"
#include "priors/prior_model.h"
#include "priors/slice_prior.h"

namespace diffrecon::cli {

// --prior, --plane, --max-batch, --memory-budget: the options of every command that applies a prior.
void add_prior_options(po::options_description& options, bool required = true);

struct LoadedPrior {
  PriorModel model;                    // for a TorchScript module: the sidecar's fields, no parameters
  std::shared_ptr<Denoiser> denoiser;  // on the context's device, evaluation mode
};

// Reads --prior onto the context's device: a diffrecon prior model file, or a TorchScript module with
// its sidecar MODULE.ini (priors/torchscript_denoiser.h).
LoadedPrior load_prior(const Context& context);

// The slice adaptor from --plane (default: the model's), --max-batch and --memory-budget;
// `normalize` applies the model's intensity normalisation.
SlicePrior make_slice_prior(const Context& context, const LoadedPrior& prior, bool normalize);

}  // namespace diffrecon::cli
