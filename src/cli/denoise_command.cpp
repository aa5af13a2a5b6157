#include <ATen/CPUGeneratorImpl.h>

#include "cli/command.h"
#include "cli/prior_options.h"
#include "core/error.h"
#include "data/io/volume_io.h"

namespace diffrecon::cli {

void add_denoise_options(po::options_description& options) {
  add_prior_options(options);
  options.add_options()
      ("input", po::value<std::string>()->required()->value_name("VOLUME"), "the noisy volume")
      ("sigma", po::value<double>()->required()->value_name("S"),
       "standard deviation of its Gaussian noise (on the model's intensity scale, or the input's with --normalize)")
      ("normalize", po::bool_switch(), "scale the input by the model's intensity percentile first (and back after)")
      ("add-noise", po::bool_switch(), "add Gaussian noise of --sigma to the input first (seeded by --seed): evaluates a prior on clean data")
      ("noisy-output", po::value<std::string>()->value_name("VOLUME"), "with --add-noise: also write the noisy volume")
      ("output", po::value<std::string>()->required()->value_name("VOLUME"), "the Tweedie estimate E[x0 | input]");
}

int run_denoise(const Context& context) {
  const auto& vm = context.options;
  const double sigma = vm["sigma"].as<double>();
  if (!(sigma > 0)) throw UsageError("--sigma must be > 0");
  const LoadedPrior prior = load_prior(context);
  const SlicePrior slice_prior = make_slice_prior(context, prior, vm["normalize"].as<bool>());
  const Volume input = read_volume(vm["input"].as<std::string>());
  auto data = input.data().to(torch::kFloat);
  if (vm.count("noisy-output") && !vm["add-noise"].as<bool>()) throw UsageError("--noisy-output needs --add-noise");
  if (vm["add-noise"].as<bool>()) {
    at::Generator generator = at::detail::createCPUGenerator(context.seed);
    data = data + sigma * torch::randn(data.sizes(), generator, torch::dtype(torch::kFloat));
    if (vm.count("noisy-output")) write_volume(Volume(data, input.geometry()), vm["noisy-output"].as<std::string>());
  }
  const auto denoised = slice_prior.denoise(data.to(context.device), sigma).to(torch::kCPU);
  const std::string output = vm["output"].as<std::string>();
  write_volume(Volume(denoised, input.geometry()), output);
  context.out << "wrote " << output << ": " << to_string(slice_prior.options().plane) << " denoising at sigma "
              << sigma << "\n";
  return 0;
}

}  // namespace diffrecon::cli
