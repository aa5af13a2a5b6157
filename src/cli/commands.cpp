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

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      {"demo", "simulate and reconstruct a 3D Shepp-Logan phantom, print PSNR, write the volume",
       add_demo_options, run_demo},
      {"info", "describe a volume: size, spacing, origin, orientation, intensity range", add_info_options, run_info,
       {"input"}},
      {"convert", "convert a volume between NIfTI, MetaImage and NRRD", add_convert_options, run_convert,
       {"input", "output"}},
      {"evaluate", "PSNR, SSIM and NMSE of a volume against a reference, per plane and in 3D",
       add_evaluate_options, run_evaluate},
  };
  return kCommands;
}

}  // namespace diffrecon::cli
