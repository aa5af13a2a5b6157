#pragma once

#include <string>

#include "core/volume.h"

namespace diffrecon {

// Reads a 3D scalar volume (NIfTI .nii/.nii.gz, MetaImage .mha/.mhd, NRRD .nrrd/.nhdr) through ITK as
// float32 with its geometry in LPS. Throws IoError naming the file on any failure.
Volume read_volume(const std::string& path);

// Writes a real Volume (format from the extension) atomically: to a temporary file beside `path`,
// then renamed into place. Refuses to overwrite `path` when it is the input of the current command
// (callers pass it as `input_path`).
void write_volume(const Volume& volume, const std::string& path, const std::string& input_path = "");

}  // namespace diffrecon
