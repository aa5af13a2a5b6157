#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace diffrecon::cli {

// One row of a batch manifest: a study to reconstruct.
struct Study {
  std::string id;     // names the output folder OUT/<id>/: letters, digits, '.', '_', '-'
  std::string input;  // measurement file, fastMRI/ISMRMRD raw file or DICOM series folder
  std::string method;
  std::string prior;      // optional
  std::string reference;  // optional volume for metrics
  // Further `reconstruct` options ("steps" → "--steps"), in manifest order; empty cells are left out.
  std::vector<std::pair<std::string, std::string>> options;
  size_t row = 0;

  // The value of option `name` ("" when the study does not set it).
  std::string options_value(const std::string& name) const {
    for (const auto& [key, value] : options)
      if (key == name) return value;
    return "";
  }  // 0-based position in the manifest, for sharding and messages
};

// CSV (RFC 4180: a header row, quoted fields with "" escapes, LF or CRLF line ends) or JSON (a list of
// objects with string, number or boolean values), chosen by the file's extension (.csv, .json).
// Required: id, input, method. Relative paths in input, prior, reference, aux-prior and reference-dicom
// are taken relative to the manifest's folder. Throws InvalidArgument naming the file, row and column for a
// malformed manifest, a missing required value, an unsafe or duplicate id; IoError when the file cannot be
// read.
std::vector<Study> read_manifest(const std::string& path);
// The option columns that hold paths (aux-prior, reference-dicom).
bool is_path_option(const std::string& name);
std::vector<Study> parse_csv_manifest(const std::string& text, const std::string& source);
std::vector<Study> parse_json_manifest(const std::string& text, const std::string& source);

// Shard i of N (0 ≤ i < N): the studies whose row r has r mod N = i, so N shards cover the manifest
// exactly once whatever machine runs each.
struct Shard {
  int index = 0;
  int count = 1;
};
// "i/N"; throws InvalidArgument otherwise.
Shard parse_shard(const std::string& text);
std::vector<Study> select_shard(const std::vector<Study>& studies, const Shard& shard);

}  // namespace diffrecon::cli
