#include "cli/command.h"
#include "core/error.h"
#include "data/io/colin27.h"
#include "data/io/cranium.h"
#include "data/io/volume_io.h"

namespace diffrecon::cli {

void add_dataset_options(po::options_description& options) {
  options.add_options()
      ("name", po::value<std::string>()->required()->value_name("NAME"),
       "colin27 (the Colin27 T1 head of mricron-data, resampled to 1.75 mm, values in [0, 1]) or cranium (the head "
       "CT of invesalius-examples, 0.96 x 0.96 x 1.5 mm, linear attenuation in 1/mm)")
      ("part", po::value<std::string>()->default_value("test")->value_name("P"),
       "test (the held-out top of the head: Colin27's top 40%, Cranium's top 30%), training (the lowest 55% / 60%) or "
       "whole")
      ("output", po::value<std::string>()->required()->value_name("VOLUME"), "where to write the prepared volume")
      ("colin27", po::value<std::string>()->default_value(kColin27Path)->value_name("PATH"), "the Colin27 T1 volume")
      ("cranium", po::value<std::string>()->default_value(kCraniumPath)->value_name("PATH"),
       "the Cranium InVesalius project");
}

int run_dataset(const Context& context) {
  const auto& vm = context.options;
  const std::string name = vm["name"].as<std::string>();
  if (name != "colin27" && name != "cranium") throw UsageError("unknown dataset '" + name + "' (expected colin27 or cranium)");
  DatasetPart part;
  try {
    part = parse_dataset_part(vm["part"].as<std::string>());
  } catch (const InvalidArgument& e) {
    throw UsageError(std::string("--part: ") + e.what());
  }
  const bool ct = name == "cranium";
  const Volume volume = ct ? cranium(part, vm["cranium"].as<std::string>()) : colin27(part, vm["colin27"].as<std::string>());
  const std::string output = vm["output"].as<std::string>();
  write_volume(volume, output);
  context.out << "wrote " << output << ": " << (ct ? "Cranium CT " : "Colin27 ") << to_string(part) << " part, "
              << volume.nx() << "x" << volume.ny() << "x" << volume.nz() << " voxels of " << volume.geometry().spacing[0]
              << " mm, "
              << (ct ? "linear attenuation in 1/mm (water " + std::to_string(kWaterAttenuationPerMm).substr(0, 5) + ")"
                     : std::string("values in [0, 1]"))
              << "\n";
  return 0;
}

}  // namespace diffrecon::cli
