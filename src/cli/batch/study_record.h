#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace diffrecon::cli {

// What a batch knows about one study: OUT/<id>/study.json, and a row of OUT/summary.{csv,json}.
struct StudyRecord {
  std::string id;
  std::string status = "pending";  // "done", "failed" or "pending" (not run yet, or its outputs are gone)
  std::string input, method;
  std::string hash;    // of the inputs' contents and the settings (content_hash.h)
  double seconds = 0;  // wall time of the last attempt
  int attempts = 0;
  int exit_code = 0;  // of the last attempt's process; -1 when none started
  std::string error;  // why it failed
  nlohmann::json qa;  // the study's qa.json (null where there is none)
};

nlohmann::json to_json(const StudyRecord& record);
// The record in `folder`/study.json, with its qa.json; std::nullopt where there is none or it is unreadable.
std::optional<StudyRecord> read_study_record(const std::filesystem::path& folder);
// Writes study.json into `folder`.
void write_study_record(const StudyRecord& record, const std::filesystem::path& folder);

// OUT/summary.csv and OUT/summary.json: one row per study in manifest order (status, time, attempts,
// error, QA figures and metrics where present), each written atomically.
void write_summaries(const std::vector<StudyRecord>& records, const std::filesystem::path& out);

}  // namespace diffrecon::cli
