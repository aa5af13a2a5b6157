#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "cli/command.h"
#include "cli/prior_options.h"
#include "core/error.h"
#include "core/progress.h"
#include "data/io/png_file.h"
#include "priors/edm_sampler.h"

namespace diffrecon::cli {

void add_sample_options(po::options_description& options) {
  options.add_options()
      ("prior", po::value<std::string>()->required()->value_name("MODEL.h5"), "a prior model file (diffrecon train)")
      ("count", po::value<int64_t>()->default_value(16)->value_name("N"), "number of samples")
      ("steps", po::value<int64_t>()->default_value(50)->value_name("N"), "sampler steps (Heun, EDM noise levels)")
      ("size", po::value<int64_t>()->value_name("N"), "sample size N x N (default: the model's image size)")
      ("output", po::value<std::string>()->required()->value_name("GRID.png"), "the samples as a PNG grid, [0, 1] as black to white");
}

int run_sample(const Context& context) {
  const auto& vm = context.options;
  const int64_t count = vm["count"].as<int64_t>();
  EdmSamplerOptions options;
  options.steps = vm["steps"].as<int64_t>();
  if (count < 1 || count > 1024 || options.steps < 1) throw UsageError("--count must lie in [1, 1024] and --steps >= 1");
  const LoadedPrior prior = load_prior(context);
  const int64_t size = vm.count("size") ? vm["size"].as<int64_t>() : prior.model.image_size;
  if (size < 1 || size % prior.denoiser->size_multiple() != 0)
    throw UsageError("--size must be a positive multiple of " + std::to_string(prior.denoiser->size_multiple()));
  at::Generator generator = at::detail::createCPUGenerator(context.seed);
  Progress progress("sample", options.steps);
  const auto samples = edm_sample(*prior.denoiser, {count, prior.denoiser->channels(), size, size}, generator,
                                  options, context.device, [&](int64_t) { progress.advance(); });
  progress.finish();
  const auto images = prior.denoiser->channels() == 1 ? samples.select(1, 0) : samples.pow(2).sum(1).sqrt();
  const std::string output = vm["output"].as<std::string>();
  const auto columns = static_cast<int64_t>(std::ceil(std::sqrt(double(count))));
  write_png(image_grid(images, columns, 0.0, 1.0), output);
  context.out << "wrote " << output << ": " << count << " samples of " << size << "x" << size << ", " << options.steps
              << " steps\n";
  return 0;
}

}  // namespace diffrecon::cli
