#pragma once

#include <string>

#include "core/measurement.h"

namespace diffrecon {

// A measurement from any file diffrecon reads, told apart by content: fastMRI HDF5, ISMRMRD raw data
// (raw_mri.h) or our measurement file (measurement_file.h). Throws IoError naming the file.
Measurement read_any_measurement(const std::string& path);

}  // namespace diffrecon
