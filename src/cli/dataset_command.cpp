#include "cli/command.h"
#include "core/error.h"
#include "data/io/colin27.h"
#include "data/io/volume_io.h"

namespace diffrecon::cli {

void add_dataset_options(po::options_description& options) {
  options.add_options()
      ("name", po::value<std::string>()->required()->value_name("NAME"), "colin27 (the Colin27 T1 head of mricron-data)")
      ("part", po::value<std::string>()->default_value("test")->value_name("P"),
       "test (the held-out slab), training or whole (the 128^3 cube)")
      ("output", po::value<std::string>()->required()->value_name("VOLUME"), "where to write the prepared volume")
      ("colin27", po::value<std::string>()->default_value(kColin27Path)->value_name("PATH"), "the Colin27 T1 volume");
}

int run_dataset(const Context& context) {
  const auto& vm = context.options;
  if (vm["name"].as<std::string>() != "colin27") throw UsageError("unknown dataset '" + vm["name"].as<std::string>() + "' (expected colin27)");
  Colin27Part part;
  try {
    part = parse_colin27_part(vm["part"].as<std::string>());
  } catch (const InvalidArgument& e) {
    throw UsageError(std::string("--part: ") + e.what());
  }
  const Volume volume = colin27(part, vm["colin27"].as<std::string>());
  const std::string output = vm["output"].as<std::string>();
  write_volume(volume, output);
  context.out << "wrote " << output << ": Colin27 " << to_string(part) << " part, " << volume.nx() << "x" << volume.ny()
              << "x" << volume.nz() << " voxels of " << volume.geometry().spacing[0] << " mm, values in [0, 1]\n";
  return 0;
}

}  // namespace diffrecon::cli
