#include "cli/prior_options.h"

#include <cstdlib>
#include <fstream>
#include <vector>

#include "core/error.h"
#include "core/logging.h"

namespace diffrecon::cli {

namespace {

bool is_readable_file(const std::string& path) { return std::ifstream(path).good(); }

}  // namespace

std::string shipped_prior_path(const std::string& file) {
  std::vector<std::string> folders;
  if (const char* env = std::getenv("DIFFRECON_MODELS")) folders.emplace_back(env);
  folders.emplace_back(DIFFRECON_INSTALLED_MODELS);
  folders.emplace_back(DIFFRECON_SOURCE_MODELS);
  std::string searched;
  for (const auto& folder : folders) {
    const std::string path = folder + "/" + file;
    if (is_readable_file(path)) return path;
    searched += (searched.empty() ? "" : ", ") + folder;
  }
  throw UsageError("the shipped prior " + file + " was not found (searched " + searched +
                   "); give --prior MODEL.h5 or set DIFFRECON_MODELS to the folder holding it");
}

void add_prior_options(po::options_description& options, bool required) {
  auto* prior = po::value<std::string>()->value_name("MODEL.h5");
  if (required) prior->required();
  options.add_options()
      ("prior", prior,
       required ? "a prior model file (diffrecon train) or a TorchScript module with its sidecar"
                : "a prior model file (diffrecon train) or a TorchScript module with its sidecar (default: the "
                  "shipped Colin27 axial prior, colin27_axial.h5 in $DIFFRECON_MODELS, the installed or the source "
                  "models folder)")
      ("plane", po::value<std::string>()->value_name("P"), "apply along axial, coronal or sagittal slices (default: the model's)")
      ("max-batch", po::value<int64_t>()->default_value(0)->value_name("N"), "slices per network call (0: from --memory-budget)")
      ("memory-budget", po::value<double>()->default_value(0)->value_name("MB"),
       "working memory of one network call (0: 2048 on the CPU, half the free memory of a GPU)");
}

LoadedPrior load_prior(const Context& context, const std::string& default_file, const std::string& option) {
  const std::string path = context.options.count(option) ? context.options[option].as<std::string>()
                                                         : shipped_prior_path(default_file);
  LoadedPrior prior = load_prior_file(path, context.device);
  log_message(LogLevel::kInfo, "prior " + path + ": " + to_string(prior.model.plane) + ", trained on " +
                                   prior.model.training_data + ", " + std::to_string(prior.model.training_steps) +
                                   " steps");
  return prior;
}

SlicePrior make_slice_prior(const Context& context, const LoadedPrior& prior, bool normalize,
                            const std::string& plane_option) {
  const auto& vm = context.options;
  SlicePriorOptions options;
  try {
    options.plane = vm.count(plane_option) ? parse_slice_plane(vm[plane_option].as<std::string>()) : prior.model.plane;
  } catch (const InvalidArgument& e) {
    throw UsageError("--" + plane_option + ": " + e.what());
  }
  options.image_size = prior.model.image_size;
  options.max_batch = vm["max-batch"].as<int64_t>();
  options.memory_budget_mb = vm["memory-budget"].as<double>();
  if (options.max_batch < 0 || !(options.memory_budget_mb >= 0))
    throw UsageError("--max-batch and --memory-budget must be >= 0");
  options.normalize_percentile = normalize ? prior.model.intensity_percentile : 0;
  return SlicePrior(prior.denoiser, options);
}

}  // namespace diffrecon::cli
