#pragma once

#include <string>

#include "core/measurement.h"

namespace diffrecon {

// The "diffrecon-measurement" HDF5 layout this build writes, and the newest it reads
// (docs/measurement_format.md).
constexpr int kMeasurementFormatVersion = 1;

// Reads and validates a measurement file of format_version 1 ... kMeasurementFormatVersion: every field's
// presence, HDF5 type class and size, rank and shape, finiteness and cross-field consistency (as
// validate()), with every size checked before the array is allocated. Tensors are returned on the CPU.
// Throws IoError "<path>: <field>: <expected, found>" for a missing, non-HDF5, corrupt, truncated,
// inconsistent or newer-format file.
Measurement read_measurement(const std::string& path);

// Writes `measurement` atomically (a reader never sees a partial file) as format_version
// kMeasurementFormatVersion, readable by HDF5 ≥ 1.10 (h5py, h5dump), every object checksummed
// (metadata checksums, Fletcher-32 on each dataset chunk). Throws InvalidArgument naming `path` and the
// field for a measurement validate() rejects (nothing is written), IoError when the file cannot be written.
void write_measurement(const Measurement& measurement, const std::string& path);

}  // namespace diffrecon
