#include "cli/batch/study_record.h"

#include <fstream>
#include <sstream>

#include "cli/text_file.h"

namespace diffrecon::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::optional<json> read_json(const fs::path& path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  try {
    return json::parse(file);
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

// A CSV field, quoted when it holds a comma, quote or line break.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// A QA figure at a JSON pointer as CSV text ("" where absent).
std::string qa_field(const json& qa, const char* pointer) {
  if (qa.is_null()) return "";
  const json::json_pointer at(pointer);
  if (!qa.contains(at) || qa.at(at).is_null()) return "";
  const json& v = qa.at(at);
  if (v.is_string()) return v.get<std::string>();
  std::ostringstream out;
  out.precision(6);
  out << v.get<double>();
  return out.str();
}

constexpr const char* kQaColumns[][2] = {
    {"data_consistency", "/data_consistency"},
    {"difference_to_classical", "/classical/relative_difference"},
    {"peak_memory_mib", "/peak_memory_mib"},
    {"psnr", "/reference/psnr"},
    {"ssim", "/reference/ssim"},
    {"mean_standard_deviation", "/posterior/mean_standard_deviation"},
    {"model_hash", "/model/hash"},
};

}  // namespace

json to_json(const StudyRecord& r) {
  return json{{"id", r.id},
              {"status", r.status},
              {"input", r.input},
              {"method", r.method},
              {"hash", r.hash},
              {"seconds", r.seconds},
              {"attempts", r.attempts},
              {"exit_code", r.exit_code},
              {"error", r.error},
              {"qa", r.qa}};
}

std::optional<StudyRecord> read_study_record(const fs::path& folder) {
  const auto document = read_json(folder / "study.json");
  if (!document || !document->is_object()) return std::nullopt;
  try {
    StudyRecord r;
    r.id = document->at("id").get<std::string>();
    r.status = document->at("status").get<std::string>();
    r.input = document->value("input", "");
    r.method = document->value("method", "");
    r.hash = document->value("hash", "");
    r.seconds = document->value("seconds", 0.0);
    r.attempts = document->value("attempts", 0);
    r.exit_code = document->value("exit_code", 0);
    r.error = document->value("error", "");
    if (const auto qa = read_json(folder / "qa.json")) r.qa = *qa;
    return r;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

void write_study_record(const StudyRecord& record, const fs::path& folder) {
  json document = to_json(record);
  document.erase("qa");  // qa.json sits beside it
  write_text_atomically(folder / "study.json", document.dump(2) + "\n");
}

void write_summaries(const std::vector<StudyRecord>& records, const fs::path& out) {
  std::ostringstream csv;
  csv << "id,status,method,input,seconds,attempts,exit_code,error";
  for (const auto& column : kQaColumns) csv << "," << column[0];
  csv << "\n";
  json rows = json::array();
  for (const StudyRecord& r : records) {
    csv << csv_field(r.id) << "," << r.status << "," << csv_field(r.method) << "," << csv_field(r.input)
        << "," << r.seconds << "," << r.attempts << "," << r.exit_code << "," << csv_field(r.error);
    for (const auto& column : kQaColumns) csv << "," << csv_field(qa_field(r.qa, column[1]));
    csv << "\n";
    rows.push_back(to_json(r));
  }
  write_text_atomically(out / "summary.csv", csv.str());
  write_text_atomically(out / "summary.json", json{{"studies", rows}}.dump(2) + "\n");
}

}  // namespace diffrecon::cli
