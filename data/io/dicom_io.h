#pragma once

#include <string>
#include <vector>

#include "core/volume.h"
#include "data/io/volume_io.h"

namespace diffrecon {

struct DicomSeriesSummary {
  std::string series_uid;
  std::string series_description;
  std::string modality;
  std::string patient_name;
  std::string patient_id;
  std::string study_uid;
  std::string frame_of_reference_uid;
  std::string referenced_series_uid;  // the first item of ReferencedSeriesSequence, if any
  size_t files = 0;
};

// The series found in `path` (a directory, or one file: its directory is searched).
std::vector<DicomSeriesSummary> list_dicom_series(const std::string& path);

// One series of `path`: `series_uid`, else the series of the file `path` names, else the only series of the
// directory (several: IoError listing them).
Volume read_dicom_series(const std::string& path, const std::string& series_uid);

// Writes `volume` as a new series into `directory` (created; an existing one must be empty).
void write_dicom_series(const Volume& volume, const std::string& directory, const DicomWriteOptions& options);

}  // namespace diffrecon
