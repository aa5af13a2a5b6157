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

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      {"simulate", "simulate scanner measurements of a volume: CT sinograms, multi-coil MRI k-space",
       add_simulate_options, run_simulate, {"modality"}},
      {"reconstruct", "reconstruct a volume from measurements (CT: fbp, cgls, admm-tv; MRI: zero-filled, cg-sense, "
       "admm-tv)", add_reconstruct_options, run_reconstruct},
      {"demo", "8-view CT of the Colin27 head: FBP and ADMM-TV, print PSNR, write the volume",
       add_demo_options, run_demo},
      {"info", "describe a volume: size, spacing, origin, orientation, intensity range", add_info_options, run_info,
       {"input"}},
      {"convert", "convert a volume between NIfTI, MetaImage and NRRD", add_convert_options, run_convert,
       {"input", "output"}},
      {"dataset", "write the project's prepared data: the Colin27 head's test, training or whole part",
       add_dataset_options, run_dataset, {"name"}},
      {"evaluate", "PSNR, SSIM and NMSE of a volume against a reference, per plane and in 3D",
       add_evaluate_options, run_evaluate},
  };
  return kCommands;
}

}  // namespace diffrecon::cli
