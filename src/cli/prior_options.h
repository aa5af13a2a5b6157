#pragma once

#include <memory>
#include <string>

#include "cli/command.h"
#include "data/io/loaded_prior.h"
#include "priors/prior_model.h"
#include "priors/slice_prior.h"

namespace diffrecon::cli {

// The shipped priors used when a command's --prior (or reconstruct's --aux-prior) is optional and absent.
inline constexpr const char* kDefaultPriorFile = "colin27_axial.h5";
inline constexpr const char* kShippedCoronalPriorFile = "colin27_coronal.h5";

// The path of a shipped model file: the first folder of $DIFFRECON_MODELS, the installed models folder
// (share/diffrecon/models) and the source tree's models/ that holds it. Throws UsageError when none does.
std::string shipped_prior_path(const std::string& file);

// --prior, --plane, --max-batch, --memory-budget: the options of every command that applies a prior.
void add_prior_options(po::options_description& options, bool required = true);

// Reads the option `option` (default --prior; or the shipped `default_file` when the option is optional
// and absent) onto the context's device: a diffrecon prior model file, or a TorchScript module with its
// sidecar MODULE.ini (priors/torchscript_denoiser.h).
LoadedPrior load_prior(const Context& context, const std::string& default_file = kDefaultPriorFile,
                       const std::string& option = "prior");

// The slice adaptor from `plane_option` (default --plane; absent: the model's plane), --max-batch and
// --memory-budget; `normalize` applies the model's intensity normalisation.
SlicePrior make_slice_prior(const Context& context, const LoadedPrior& prior, bool normalize,
                            const std::string& plane_option = "plane");

}  // namespace diffrecon::cli
