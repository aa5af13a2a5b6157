#include "data/io/volume_io.h"

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "data/io/dicom_io.h"
#include "data/io/internal/itk_file_io.h"

namespace diffrecon {
namespace {

namespace fs = std::filesystem;

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A .dcm/.ima name, or a DICOM Part 10 file: "DICM" after the 128-byte preamble.
bool is_dicom_file(const std::string& path) {
  if (ends_with(path, ".dcm") || ends_with(path, ".DCM") || ends_with(path, ".ima") || ends_with(path, ".IMA"))
    return true;
  std::ifstream file(path, std::ios::binary);
  char magic[4] = {};
  return file.seekg(128) && file.read(magic, 4) && std::string(magic, 4) == "DICM";
}

}  // namespace

VolumeFormat parse_volume_format(const std::string& name) {
  if (name == "nifti") return VolumeFormat::kNifti;
  if (name == "nifti-gz") return VolumeFormat::kNiftiGz;
  if (name == "metaimage") return VolumeFormat::kMetaImage;
  if (name == "nrrd") return VolumeFormat::kNrrd;
  if (name == "dicom") return VolumeFormat::kDicom;
  if (name == "auto") return VolumeFormat::kAuto;
  throw InvalidArgument("unknown volume format '" + name + "' (expected nifti, nifti-gz, metaimage, nrrd or dicom)");
}

const char* to_string(VolumeFormat format) {
  switch (format) {
    case VolumeFormat::kAuto: return "auto";
    case VolumeFormat::kNifti: return "nifti";
    case VolumeFormat::kNiftiGz: return "nifti-gz";
    case VolumeFormat::kMetaImage: return "metaimage";
    case VolumeFormat::kNrrd: return "nrrd";
    case VolumeFormat::kDicom: return "dicom";
  }
  return "?";
}

VolumeFormat format_of_path(const std::string& path) {
  std::error_code ec;
  if (ends_with(path, "/") || fs::is_directory(path, ec) || is_dicom_file(path)) return VolumeFormat::kDicom;
  if (ends_with(path, ".nii.gz")) return VolumeFormat::kNiftiGz;
  if (ends_with(path, ".nii")) return VolumeFormat::kNifti;
  if (ends_with(path, ".mha") || ends_with(path, ".mhd")) return VolumeFormat::kMetaImage;
  if (ends_with(path, ".nrrd") || ends_with(path, ".nhdr")) return VolumeFormat::kNrrd;
  throw IoError(path + ": unknown volume format (expected .nii, .nii.gz, .mha, .mhd, .nrrd, .nhdr, .dcm or a "
                       "DICOM directory)");
}

Volume read_volume(const std::string& path, const VolumeReadOptions& options) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw IoError(path + ": no such file or directory");
  if (format_of_path(path) == VolumeFormat::kDicom) return read_dicom_series(path, options.dicom_series);
  if (!options.dicom_series.empty()) throw IoError(path + ": --series applies to DICOM input only");
  return read_itk_file(path);
}

void write_volume(const Volume& volume, const std::string& path, const VolumeWriteOptions& options) {
  if (volume.data().is_complex()) throw NotSupported(path + ": writing complex volumes is not supported");
  if (volume.data().numel() > kMaxVolumeVoxels) throw IoError(path + ": the volume is too large to write");
  std::error_code ec;
  if (!options.input_path.empty() && fs::exists(path, ec) && fs::equivalent(path, options.input_path, ec))
    throw IoError(path + ": refusing to overwrite the input");
  const VolumeFormat format = options.format == VolumeFormat::kAuto ? format_of_path(path) : options.format;
  if (format == VolumeFormat::kDicom) return write_dicom_series(volume, path, options.dicom);
  const VolumeFormat named = format_of_path(path);
  if (named != format)
    throw IoError(path + ": the extension names " + to_string(named) + " but the format requested is " +
                  to_string(format));
  write_itk_file(volume, path);
}

}  // namespace diffrecon
