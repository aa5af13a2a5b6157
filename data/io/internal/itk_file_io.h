#pragma once

#include <string>

#include "core/volume.h"

namespace diffrecon {

// Single-file formats through ITK (NIfTI, MetaImage, NRRD), with the header checked before any voxel
// is allocated: 3D (or 4D with one volume), one component, at most kMaxVolumeVoxels voxels, and for
// NIfTI a file (or gzip stream) long enough for the voxels the header promises.
Volume read_itk_file(const std::string& path);
void write_itk_file(const Volume& volume, const std::string& path);

}  // namespace diffrecon
