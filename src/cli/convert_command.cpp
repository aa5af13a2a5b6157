#include "cli/command.h"
#include "data/io/volume_io.h"

namespace diffrecon::cli {

void add_convert_options(po::options_description& options) {
  options.add_options()
      ("input", po::value<std::string>()->required()->value_name("IN"), "volume to read")
      ("output", po::value<std::string>()->required()->value_name("OUT"),
       "volume to write; the format follows the extension (.nii, .nii.gz, .mha, .mhd, .nrrd, .nhdr)");
}

int run_convert(const Context& context) {
  const std::string input = context.options["input"].as<std::string>();
  const std::string output = context.options["output"].as<std::string>();
  write_volume(read_volume(input), output, input);
  context.out << "wrote " << output << "\n";
  return 0;
}

}  // namespace diffrecon::cli
