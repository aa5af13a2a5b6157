#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "core/logging.h"
#include "core/progress.h"

namespace diffrecon::testing {

struct Outcome {
  int code;
  std::string out, err;
};

// `diffrecon args...` in-process, with its output captured; restores the logging settings it changed.
inline Outcome invoke(std::vector<std::string> args) {
  args.insert(args.begin(), "diffrecon");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int code = cli::run(static_cast<int>(argv.size()), argv.data(), out, err);
  set_log_level(LogLevel::kInfo);
  set_default_progress_style(ProgressStyle::kAuto);
  return {code, out.str(), err.str()};
}

}  // namespace diffrecon::testing
