#include "cli/command.h"

namespace diffrecon::cli {

void add_demo_options(po::options_description& options);
int run_demo(const Context& context);
void add_info_options(po::options_description& options);
int run_info(const Context& context);
void add_convert_options(po::options_description& options);
int run_convert(const Context& context);
void add_evaluate_options(po::options_description& options);
int run_evaluate(const Context& context);
void add_simulate_options(po::options_description& options);
int run_simulate(const Context& context);
void add_reconstruct_options(po::options_description& options);
int run_reconstruct(const Context& context);
void add_dataset_options(po::options_description& options);
int run_dataset(const Context& context);
void add_train_options(po::options_description& options);
int run_train(const Context& context);
void add_sample_options(po::options_description& options);
int run_sample(const Context& context);
void add_denoise_options(po::options_description& options);
int run_denoise(const Context& context);
void add_batch_options(po::options_description& options);
int run_batch(const Context& context);

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      {"simulate", "simulate scanner measurements of a volume: CT sinograms, multi-coil MRI k-space, MR thick slices (zsr)",
       add_simulate_options, run_simulate, {"modality"}},
      {"reconstruct", "reconstruct a volume from measurements (CT: fbp, cgls, admm-tv; MRI: zero-filled, cg-sense, "
       "admm-tv, cs-wavelet; z-SR: interpolate; with diffusion priors: dds, ddip, diffusion-mbir, tpdm)", add_reconstruct_options,
       run_reconstruct},
      {"demo", "8-view CT of the held-out Colin27 slab: FBP, ADMM-TV and DDS with the shipped prior; PSNR/SSIM table and figure",
       add_demo_options, run_demo},
      {"info", "describe a volume: size, spacing, origin, orientation, intensity range", add_info_options, run_info,
       {"input"}},
      {"convert", "convert a volume between NIfTI, MetaImage and NRRD", add_convert_options, run_convert,
       {"input", "output"}},
      {"dataset", "write the project's prepared data: the Colin27 head's test, training or whole part",
       add_dataset_options, run_dataset, {"name"}},
      {"train", "train a 2D diffusion prior on slices of volumes (or random phantoms): denoising score matching",
       add_train_options, run_train},
      {"sample", "draw unconditional samples from a prior, as a PNG grid", add_sample_options, run_sample},
      {"denoise", "denoise a volume slice by slice with a prior (the Tweedie estimate at a noise level)",
       add_denoise_options, run_denoise},
      {"evaluate", "PSNR, SSIM and NMSE of a volume against a reference, per plane and in 3D",
       add_evaluate_options, run_evaluate},
      {"batch", "reconstruct every study of a manifest (CSV or JSON), each in its own process: resumable, "
       "shardable, with a summary and QA per study", add_batch_options, run_batch, {"manifest"}},
  };
  return kCommands;
}

}  // namespace diffrecon::cli
