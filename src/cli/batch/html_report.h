#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "cli/batch/study_record.h"

namespace diffrecon::cli {

// OUT/report.html: a self-contained page (no server, no network) with one row per study: status,
// method, time, QA figures, metrics against the reference, the posterior spread, the error of a
// failed study, and its preview image (OUT/<id>/preview.png: rows result, classical reconstruction,
// reference, standard deviation; columns axial, coronal, sagittal). On load, a script records how many
// images loaded in <body data-images="loaded/total">, which the tests read through headless Chromium.
std::string html_report(const std::vector<StudyRecord>& records, const std::filesystem::path& out);

}  // namespace diffrecon::cli
