#pragma once

#include <ostream>
#include <sstream>
#include <string>

namespace diffrecon {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kQuiet = 4 };

// Messages below the threshold are dropped. Default: kInfo. kQuiet silences everything.
void set_log_level(LogLevel level);
LogLevel log_level();

// Where messages go (default std::cerr). The stream must outlive its use; for tests and embedding.
void set_log_stream(std::ostream* stream);

// Writes "[level] message\n" atomically with respect to other log calls.
void log_message(LogLevel level, const std::string& message);

// Streams a message and emits it on destruction:  Log(LogLevel::kInfo) << "read " << n << " slices";
class Log {
 public:
  explicit Log(LogLevel level) : level_(level) {}
  ~Log() { log_message(level_, buffer_.str()); }
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  template <typename T>
  Log& operator<<(const T& value) {
    if (level_ >= log_level()) buffer_ << value;
    return *this;
  }

 private:
  LogLevel level_;
  std::ostringstream buffer_;
};

// Parses "debug", "info", "warning", "error", "quiet"; throws InvalidArgument otherwise.
LogLevel parse_log_level(const std::string& name);

}  // namespace diffrecon
