#pragma once

#include <string>

#include "core/volume.h"

namespace diffrecon {

enum class VolumeFormat {
  kAuto,       // from the path: the extension, or DICOM for an existing directory or a path ending in '/'
  kNifti,      // .nii
  kNiftiGz,    // .nii.gz
  kMetaImage,  // .mha (or .mhd + data file)
  kNrrd,       // .nrrd (or .nhdr + data file)
  kDicom,      // a directory holding one slice per file
};

// "nifti", "nifti-gz", "metaimage", "nrrd", "dicom"; throws InvalidArgument otherwise.
VolumeFormat parse_volume_format(const std::string& name);
const char* to_string(VolumeFormat format);
// The format `path` names (never kAuto); throws IoError for an unknown extension.
VolumeFormat format_of_path(const std::string& path);

struct VolumeReadOptions {
  std::string dicom_series;  // SeriesInstanceUID to read when a directory holds several series
};

struct DicomWriteOptions {
  std::string series_description = "diffrecon";
  std::string derivation_description;  // e.g. the method and prior that produced the volume
  // MR or CT (Image Storage SOP classes with the Image Plane module, so viewers place the slices), or OT
  // (Secondary Capture: no standard geometry; readers such as GDCM ignore its positions).
  std::string modality = "MR";
  // A DICOM series (directory or one file of it) whose patient and study attributes and frame of
  // reference the new series copies; empty: a new study with anonymous patient attributes.
  std::string reference_series;
};

struct VolumeWriteOptions {
  VolumeFormat format = VolumeFormat::kAuto;
  std::string input_path;  // the command's input: never overwritten
  DicomWriteOptions dicom;
};

// Largest volume read or written (voxels); larger headers are refused before allocating.
constexpr int64_t kMaxVolumeVoxels = int64_t{1} << 31;

// Reads a 3D scalar volume as float32 with its LPS geometry: NIfTI, MetaImage, NRRD (through ITK) or a
// DICOM series (a directory, or one file of the series; rescale slope/intercept applied, slices sorted
// by position, missing slices and uneven spacing refused). Throws IoError naming the file on failure.
Volume read_volume(const std::string& path, const VolumeReadOptions& options = {});

// Writes a real volume atomically (format from the options or the path). DICOM: a new series of int16
// slices with RescaleSlope/Intercept chosen to cover the volume's range (exact for integer-valued data
// within int16). Throws IoError on failure; refuses to overwrite options.input_path.
void write_volume(const Volume& volume, const std::string& path, const VolumeWriteOptions& options = {});

}  // namespace diffrecon
