#include "cli/batch/manifest.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/error.h"

namespace diffrecon::cli {
namespace {

namespace fs = std::filesystem;

// RFC 4180 records of `text`; blank lines are skipped.
std::vector<std::vector<std::string>> csv_records(const std::string& text, const std::string& source) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, field_started = false;
  size_t line = 1;
  const auto end_record = [&] {
    if (field_started || !record.empty()) {
      record.push_back(field);
      records.push_back(record);
    }
    record.clear();
    field.clear();
    field_started = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"') {
      if (!field.empty())
        throw InvalidArgument(source + ": line " + std::to_string(line) +
                              ": a quote inside an unquoted field");
      quoted = field_started = true;
    } else if (c == ',') {
      record.push_back(field);
      field.clear();
      field_started = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_record();
      ++line;
    } else {
      field += c;
      field_started = true;
    }
  }
  if (quoted) throw InvalidArgument(source + ": an unterminated quoted field");
  end_record();
  return records;
}

bool is_safe_id(const std::string& id) {
  if (id.empty() || id[0] == '.' || id.size() > 128) return false;
  for (const char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

// A study from column → value pairs (`where` names the row in messages).
Study make_study(const std::vector<std::pair<std::string, std::string>>& cells, size_t row,
                 const std::string& where) {
  Study study;
  study.row = row;
  std::set<std::string> seen;
  for (const auto& [column, value] : cells) {
    if (!seen.insert(column).second) throw InvalidArgument(where + ": column '" + column + "' appears twice");
    if (column == "id")
      study.id = value;
    else if (column == "input")
      study.input = value;
    else if (column == "method")
      study.method = value;
    else if (column == "prior")
      study.prior = value;
    else if (column == "reference")
      study.reference = value;
    else if (!value.empty())
      study.options.emplace_back(column, value);
  }
  for (const auto& [name, value] : {std::pair<const char*, const std::string&>{"id", study.id},
                                    {"input", study.input},
                                    {"method", study.method}})
    if (value.empty()) throw InvalidArgument(where + ": '" + name + "' is missing or empty");
  if (!is_safe_id(study.id))
    throw InvalidArgument(where + ": id '" + study.id +
                          "' must be 1-128 letters, digits, '.', '_' or '-', not starting with '.'");
  return study;
}

void check_unique_ids(const std::vector<Study>& studies, const std::string& source) {
  std::map<std::string, size_t> rows;
  for (const Study& s : studies)
    if (const auto [it, inserted] = rows.emplace(s.id, s.row); !inserted)
      throw InvalidArgument(source + ": id '" + s.id + "' appears in rows " + std::to_string(it->second + 1) +
                            " and " + std::to_string(s.row + 1));
}

std::string json_cell(const nlohmann::json& value, const std::string& where, const std::string& key) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number()) {
    std::ostringstream out;
    out.precision(17);
    out << value.get<double>();
    return out.str();
  }
  if (value.is_null()) return "";
  throw InvalidArgument(where + ": '" + key + "' must be a string, number or boolean");
}

}  // namespace

std::vector<Study> parse_csv_manifest(const std::string& text, const std::string& source) {
  const auto records = csv_records(text, source);
  if (records.empty()) throw InvalidArgument(source + ": empty manifest (expected a header row)");
  std::vector<std::string> header = records[0];
  for (auto& name : header) {
    const auto first = name.find_first_not_of(" \t"), last = name.find_last_not_of(" \t");
    name = first == std::string::npos ? "" : name.substr(first, last - first + 1);
    if (name.empty()) throw InvalidArgument(source + ": the header has an empty column name");
  }
  std::vector<Study> studies;
  for (size_t r = 1; r < records.size(); ++r) {
    const std::string where = source + ": row " + std::to_string(r);
    if (records[r].size() != header.size())
      throw InvalidArgument(where + ": " + std::to_string(records[r].size()) + " fields, the header has " +
                            std::to_string(header.size()));
    std::vector<std::pair<std::string, std::string>> cells;
    for (size_t c = 0; c < header.size(); ++c) cells.emplace_back(header[c], records[r][c]);
    studies.push_back(make_study(cells, r - 1, where));
  }
  check_unique_ids(studies, source);
  return studies;
}

std::vector<Study> parse_json_manifest(const std::string& text, const std::string& source) {
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw InvalidArgument(source + ": not valid JSON (" + e.what() + ")");
  }
  if (!document.is_array()) throw InvalidArgument(source + ": expected a JSON list of study objects");
  std::vector<Study> studies;
  for (size_t r = 0; r < document.size(); ++r) {
    const std::string where = source + ": study " + std::to_string(r + 1);
    if (!document[r].is_object()) throw InvalidArgument(where + ": expected an object");
    std::vector<std::pair<std::string, std::string>> cells;
    for (const auto& [key, value] : document[r].items())
      cells.emplace_back(key, json_cell(value, where, key));
    studies.push_back(make_study(cells, r, where));
  }
  check_unique_ids(studies, source);
  return studies;
}

std::vector<Study> read_manifest(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw IoError("cannot read the manifest " + path);
  std::ostringstream text;
  text << file.rdbuf();
  const std::string extension = fs::path(path).extension().string();
  std::vector<Study> studies;
  if (extension == ".csv")
    studies = parse_csv_manifest(text.str(), path);
  else if (extension == ".json")
    studies = parse_json_manifest(text.str(), path);
  else
    throw InvalidArgument("manifest " + path + ": expected a .csv or .json file");
  const fs::path folder = fs::absolute(path).parent_path();
  const auto resolve = [&](std::string& value) {
    if (!value.empty() && fs::path(value).is_relative()) value = (folder / value).lexically_normal().string();
  };
  for (Study& s : studies) {
    for (std::string* value : {&s.input, &s.prior, &s.reference}) resolve(*value);
    for (auto& [name, value] : s.options)
      if (is_path_option(name)) resolve(value);
  }
  return studies;
}

bool is_path_option(const std::string& name) { return name == "aux-prior" || name == "reference-dicom"; }

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  const auto number = [&](const std::string& part) {
    if (part.empty() || part.size() > 6 || part.find_first_not_of("0123456789") != std::string::npos)
      throw InvalidArgument("shard '" + text + "': expected i/N with 0 <= i < N");
    return std::stoi(part);
  };
  if (slash == std::string::npos) throw InvalidArgument("shard '" + text + "': expected i/N with 0 <= i < N");
  Shard shard{number(text.substr(0, slash)), number(text.substr(slash + 1))};
  if (shard.count < 1 || shard.index >= shard.count)
    throw InvalidArgument("shard '" + text + "': expected i/N with 0 <= i < N");
  return shard;
}

std::vector<Study> select_shard(const std::vector<Study>& studies, const Shard& shard) {
  std::vector<Study> selected;
  for (const Study& s : studies)
    if (static_cast<int>(s.row % static_cast<size_t>(shard.count)) == shard.index) selected.push_back(s);
  return selected;
}

}  // namespace diffrecon::cli
