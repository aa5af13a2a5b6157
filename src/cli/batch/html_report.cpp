#include "cli/batch/html_report.h"

#include <cmath>
#include <ctime>
#include <sstream>

namespace diffrecon::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string fixed(double v, int digits) {
  if (!std::isfinite(v)) return "–";
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(digits);
  out << v;
  return out.str();
}

// A number from the QA at a JSON pointer, with `digits` decimals ("–" where absent).
std::string figure(const json& qa, const char* pointer, int digits) {
  const json::json_pointer at(pointer);
  if (!qa.is_object() || !qa.contains(at) || !qa.at(at).is_number()) return "–";
  return fixed(qa.at(at).get<double>(), digits);
}

constexpr const char* kStyle = R"(
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
.done { color: #176f2c; font-weight: bold; }
.failed { color: #b00020; font-weight: bold; }
.pending { color: #777; }
td.error { max-width: 30em; font-family: monospace; font-size: 0.85em; white-space: pre-wrap; }
img { image-rendering: pixelated; width: 16em; }
)";

constexpr const char* kImageCheck = R"(
<script>
window.addEventListener('load', function () {
  var images = Array.prototype.slice.call(document.images);
  var loaded = images.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  document.body.setAttribute('data-images', loaded + '/' + images.length);
});
</script>
)";

}  // namespace

std::string html_report(const std::vector<StudyRecord>& records, const fs::path& out) {
  int done = 0, failed = 0;
  for (const auto& r : records) {
    if (r.status == "done") ++done;
    if (r.status == "failed") ++failed;
  }
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&now));

  std::ostringstream html;
  html
      << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>diffrecon batch "
         "report</title>\n"
      << "<style>" << kStyle << "</style>\n</head>\n<body>\n<h1>diffrecon batch report</h1>\n<p>"
      << records.size() << " studies: " << done << " done, " << failed << " failed, "
      << records.size() - done - failed << " pending. Written " << stamp << ".</p>\n"
      << "<p>Data consistency is ‖Ax − y‖/‖y‖; the difference to the classical reconstruction "
         "‖x − x<sub>classical</sub>‖/‖x<sub>classical</sub>‖ shows how far the method moved the result from "
         "what the data alone give. Previews: rows result, classical reconstruction, reference (when given), "
         "posterior standard deviation (when sampled, scaled to its maximum); columns axial, coronal, "
         "sagittal.</p>\n"
      << "<table>\n<tr><th>study</th><th>status</th><th>method</th><th>time [s]</th><th>data consistency</th>"
         "<th>difference to classical</th><th>PSNR [dB]</th><th>SSIM</th><th>mean std</th><th>peak memory "
         "[MiB]</th>"
         "<th>error</th><th>preview</th></tr>\n";
  for (const auto& r : records) {
    html << "<tr><td>" << escape(r.id) << "</td><td class=\"" << escape(r.status) << "\">" << escape(r.status)
         << "</td><td>" << escape(r.method) << "</td><td>" << (r.attempts > 0 ? fixed(r.seconds, 1) : "–")
         << "</td><td>" << figure(r.qa, "/data_consistency", 4) << "</td><td>"
         << figure(r.qa, "/classical/relative_difference", 4) << "</td><td>"
         << figure(r.qa, "/reference/psnr", 2) << "</td><td>" << figure(r.qa, "/reference/ssim", 3)
         << "</td><td>" << figure(r.qa, "/posterior/mean_standard_deviation", 5) << "</td><td>"
         << figure(r.qa, "/peak_memory_mib", 0) << "</td><td class=\"error\">" << escape(r.error)
         << "</td><td>";
    const fs::path preview = fs::path(r.id) / "preview.png";
    if (r.status == "done" && fs::exists(out / preview))
      html << "<img src=\"" << escape(preview.generic_string()) << "\" alt=\"" << escape(r.id)
           << ": axial, coronal and sagittal slices\">";
    html << "</td></tr>\n";
  }
  html << "</table>\n" << kImageCheck << "</body>\n</html>\n";
  return html.str();
}

}  // namespace diffrecon::cli
