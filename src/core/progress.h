#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <ostream>
#include <string>

namespace diffrecon {

enum class ProgressStyle {
  kAuto,   // kBar when writing to a terminal, kLines otherwise, kSilent when the log level is kQuiet
  kBar,    // one redrawn line: label, bar, count, rate, ETA
  kLines,  // a plain line every `line_interval_s` seconds and one when done (logs, CI, batch jobs)
  kSilent,
};

struct ProgressOptions {
  ProgressStyle style = ProgressStyle::kAuto;
  std::ostream* out = nullptr;    // nullptr: std::cerr
  double line_interval_s = 10.0;  // kLines: seconds between lines
  double bar_interval_s = 0.1;    // kBar: seconds between redraws
  std::function<double()> clock;  // seconds; empty: steady_clock
};

// Reports progress of `total` units of work. advance() is thread-safe.
class Progress {
 public:
  Progress(std::string label, int64_t total, std::string unit = "it", ProgressOptions options = {});
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(int64_t count = 1);
  // Extra text shown after the rate, e.g. "loss 0.031".
  void set_status(std::string status);
  // Prints the final line once; further calls do nothing.
  void finish();

  ProgressStyle style() const { return style_; }
  int64_t done() const;

 private:
  double now() const;
  void render(bool final_line);
  std::string summary(double elapsed) const;

  std::string label_;
  int64_t total_;
  std::string unit_;
  ProgressOptions options_;
  ProgressStyle style_;
  std::ostream* out_;
  double start_;
  double last_render_;
  int64_t done_ = 0;
  std::string status_;
  bool finished_ = false;
  mutable std::mutex mutex_;
};

// Called on every advance() of every Progress while installed (e.g. the ITK filter turns it into ITK
// progress and iteration events): the label, the units done and the total.
using ProgressObserver = std::function<void(const std::string& label, int64_t done, int64_t total)>;

// Installs `observer` for its lifetime (process-wide; the previous one comes back afterwards).
class ScopedProgressObserver {
 public:
  explicit ScopedProgressObserver(ProgressObserver observer);
  ~ScopedProgressObserver();
  ScopedProgressObserver(const ScopedProgressObserver&) = delete;
  ScopedProgressObserver& operator=(const ScopedProgressObserver&) = delete;

 private:
  ProgressObserver previous_;
};

// Style used by ProgressStyle::kAuto; set once by the CLI from --quiet / --progress.
void set_default_progress_style(ProgressStyle style);
ProgressStyle default_progress_style();

// "1:02:03", "02:03" or "--:--" for a negative/unknown duration.
std::string format_duration(double seconds);

}  // namespace diffrecon
