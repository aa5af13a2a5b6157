#include <iomanip>

#include "cli/command.h"
#include "core/volume.h"
#include "data/io/dicom_io.h"
#include "data/io/measurement_file.h"
#include "data/io/volume_io.h"

namespace diffrecon::cli {

void add_info_options(po::options_description& options) {
  options.add_options()
      ("input", po::value<std::string>()->required()->value_name("FILE"),
       "volume to describe (.nii, .nii.gz, .mha, .mhd, .nrrd, .nhdr, or a DICOM series: directory or one file), "
       "or a measurement file (.h5)")
      ("series", po::value<std::string>()->value_name("UID"), "DICOM: the series to describe");
}

namespace {

bool is_measurement_file(const std::string& path) {
  for (const std::string ext : {".h5", ".hdf5"})
    if (path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0) return true;
  return false;
}

std::string dtype_name(torch::ScalarType type) {
  switch (type) {
    case torch::kFloat: return "float32";
    case torch::kDouble: return "float64";
    case torch::kComplexFloat: return "complex64";
    case torch::kComplexDouble: return "complex128";
    case torch::kByte: return "uint8";
    default: return c10::toString(type);
  }
}

void print_measurement(const std::string& path, std::ostream& out) {
  const Measurement m = read_measurement(path);
  const Geometry& g = m.geometry;
  out << std::setprecision(6) << "file         " << path << "\n"
      << "measurement  " << to_string(m.modality) << ", data " << m.data.sizes() << " "
      << dtype_name(m.data.scalar_type()) << "\n";
  for (const auto& [name, array] : m.arrays)
    out << "array        " << name << " " << array.sizes() << " " << dtype_name(array.scalar_type()) << "\n";
  for (const auto& [name, value] : m.parameters) out << "parameter    " << name << " = " << value << "\n";
  out << "volume       " << m.volume_size[0] << " x " << m.volume_size[1] << " x " << m.volume_size[2]
      << " voxels, spacing " << g.spacing[0] << " x " << g.spacing[1] << " x " << g.spacing[2] << " mm, origin "
      << g.origin[0] << ", " << g.origin[1] << ", " << g.origin[2] << " mm, orientation " << orientation_code(g)
      << "\n"
      << "noise        " << m.noise.kind;
  if (m.noise.kind == "gaussian") out << ", sigma " << m.noise.sigma;
  if (m.noise.kind == "poisson") out << ", " << m.noise.photons << " photons";
  out << "\n"
      << "provenance   diffrecon " << m.provenance.diffrecon_version << ", seed " << m.provenance.seed << ", "
      << m.provenance.created << ": " << m.provenance.command << "\n";
}

}  // namespace

int run_info(const Context& context) {
  const std::string path = context.options["input"].as<std::string>();
  if (is_measurement_file(path)) {
    print_measurement(path, context.out);
    return 0;
  }
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
