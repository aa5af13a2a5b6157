#include "cli/command.h"

namespace diffrecon::cli {

void add_demo_options(po::options_description& options);
int run_demo(const Context& context);

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      {"demo", "simulate and reconstruct a 3D Shepp-Logan phantom, print PSNR, write the volume",
       add_demo_options, run_demo},
  };
  return kCommands;
}

}  // namespace diffrecon::cli
