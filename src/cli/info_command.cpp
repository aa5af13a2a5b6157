#include <iomanip>

#include "cli/command.h"
#include "core/volume.h"
#include "data/io/dicom_io.h"
#include "data/io/volume_io.h"

namespace diffrecon::cli {

void add_info_options(po::options_description& options) {
  options.add_options()
      ("input", po::value<std::string>()->required()->value_name("FILE"),
       "volume to describe (.nii, .nii.gz, .mha, .mhd, .nrrd, .nhdr, or a DICOM series: directory or one file)")
      ("series", po::value<std::string>()->value_name("UID"), "DICOM: the series to describe");
}

int run_info(const Context& context) {
  const std::string path = context.options["input"].as<std::string>();
  VolumeReadOptions read;
  if (context.options.count("series")) read.dicom_series = context.options["series"].as<std::string>();
  auto& out = context.out;
  if (format_of_path(path) == VolumeFormat::kDicom) {
    for (const auto& s : list_dicom_series(path))
      out << "series       " << s.series_uid << " (" << s.files << " files, " << s.modality << ", '"
          << s.series_description << "', patient '" << s.patient_name << "' id '" << s.patient_id << "', study "
          << s.study_uid << ")\n";
  }
  const Volume volume = read_volume(path, read);
  const Geometry& g = volume.geometry();
  const auto data = volume.data().to(torch::kDouble);
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
