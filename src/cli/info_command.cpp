#include <iomanip>

#include "cli/command.h"
#include "core/volume.h"
#include "data/io/volume_io.h"

namespace diffrecon::cli {

void add_info_options(po::options_description& options) {
  options.add_options()("input", po::value<std::string>()->required()->value_name("FILE"),
                        "volume to describe (.nii, .nii.gz, .mha, .mhd, .nrrd, .nhdr)");
}

int run_info(const Context& context) {
  const std::string path = context.options["input"].as<std::string>();
  const Volume volume = read_volume(path);
  const Geometry& g = volume.geometry();
  const auto data = volume.data().to(torch::kDouble);
  auto& out = context.out;
  out << std::setprecision(6) << "file         " << path << "\n"
      << "size         " << volume.nx() << " x " << volume.ny() << " x " << volume.nz() << " voxels (x, y, z)\n"
      << "spacing      " << g.spacing[0] << " x " << g.spacing[1] << " x " << g.spacing[2] << " mm\n"
      << "origin       " << g.origin[0] << ", " << g.origin[1] << ", " << g.origin[2] << " mm (LPS)\n"
      << "direction    ";
  for (int i = 0; i < 9; ++i) out << g.direction[i] << (i == 8 ? "\n" : i % 3 == 2 ? " | " : " ");
  out << "orientation  " << orientation_code(g) << "\n"
      << "intensity    min " << data.min().item<double>() << ", max " << data.max().item<double>() << ", mean "
      << data.mean().item<double>() << "\n";
  return 0;
}

}  // namespace diffrecon::cli
