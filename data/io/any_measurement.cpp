#include "data/io/any_measurement.h"

#include "data/io/measurement_file.h"
#include "data/io/raw_mri.h"

namespace diffrecon {

Measurement read_any_measurement(const std::string& path) {
  if (is_fastmri_file(path)) return read_fastmri(path);
  if (is_ismrmrd_file(path)) return read_ismrmrd(path);
  return read_measurement(path);
}

}  // namespace diffrecon
