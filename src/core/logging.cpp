#include "core/logging.h"

#include <atomic>
#include <iostream>
#include <mutex>

#include "core/error.h"

namespace diffrecon {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::atomic<std::ostream*> g_stream{nullptr};
std::mutex g_mutex;

const char* level_tag(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
    case LogLevel::kQuiet: break;
  }
  return "";
}

}  // namespace

void set_log_level(LogLevel level) { g_level = level; }
LogLevel log_level() { return g_level; }
void set_log_stream(std::ostream* stream) { g_stream = stream; }

void log_message(LogLevel level, const std::string& message) {
  if (level == LogLevel::kQuiet || level < g_level.load()) return;
  std::ostream* stream = g_stream.load();
  std::lock_guard<std::mutex> lock(g_mutex);
  (stream ? *stream : std::cerr) << "[" << level_tag(level) << "] " << message << '\n' << std::flush;
}

LogLevel parse_log_level(const std::string& name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warning") return LogLevel::kWarning;
  if (name == "error") return LogLevel::kError;
  if (name == "quiet") return LogLevel::kQuiet;
  throw InvalidArgument("unknown log level '" + name + "' (expected debug, info, warning, error or quiet)");
}

}  // namespace diffrecon
