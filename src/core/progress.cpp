#include "core/progress.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <utility>

#include "core/logging.h"

namespace diffrecon {
namespace {

// The installed observer, guarded by observer_mutex().
ProgressObserver& current_observer() {
  static ProgressObserver observer;
  return observer;
}
std::mutex& observer_mutex() {
  static std::mutex mutex;
  return mutex;
}

}  // namespace

ScopedProgressObserver::ScopedProgressObserver(ProgressObserver observer) {
  std::lock_guard<std::mutex> lock(observer_mutex());
  previous_ = std::exchange(current_observer(), std::move(observer));
}

ScopedProgressObserver::~ScopedProgressObserver() {
  std::lock_guard<std::mutex> lock(observer_mutex());
  current_observer() = std::move(previous_);
}

namespace {

std::atomic<ProgressStyle> g_default_style{ProgressStyle::kAuto};

double steady_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

ProgressStyle resolve_style(const ProgressOptions& options) {
  ProgressStyle style = options.style == ProgressStyle::kAuto ? g_default_style.load() : options.style;
  if (style != ProgressStyle::kAuto) return style;
  if (log_level() == LogLevel::kQuiet) return ProgressStyle::kSilent;
  const bool to_stderr = options.out == nullptr || options.out == &std::cerr;
  return to_stderr && isatty(fileno(stderr)) ? ProgressStyle::kBar : ProgressStyle::kLines;
}

std::string format_rate(double rate, const std::string& unit) {
  std::ostringstream out;
  out << std::setprecision(3);
  if (rate >= 1.0 || rate == 0.0)
    out << rate << " " << unit << "/s";
  else
    out << 1.0 / rate << " s/" << unit;
  return out.str();
}

}  // namespace

void set_default_progress_style(ProgressStyle style) { g_default_style = style; }
ProgressStyle default_progress_style() { return g_default_style; }

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) return "--:--";
  const auto total = static_cast<int64_t>(std::llround(seconds));
  const int64_t h = total / 3600, m = (total / 60) % 60, s = total % 60;
  char buffer[32];
  if (h > 0)
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", static_cast<long long>(h),
                  static_cast<long long>(m), static_cast<long long>(s));
  else
    std::snprintf(buffer, sizeof buffer, "%02lld:%02lld", static_cast<long long>(m),
                  static_cast<long long>(s));
  return buffer;
}

Progress::Progress(std::string label, int64_t total, std::string unit, ProgressOptions options)
    : label_(std::move(label)),
      total_(total < 0 ? 0 : total),
      unit_(std::move(unit)),
      options_(std::move(options)),
      style_(resolve_style(options_)),
      out_(options_.out ? options_.out : &std::cerr),
      start_(now()),
      last_render_(start_) {}

Progress::~Progress() { finish(); }

double Progress::now() const { return options_.clock ? options_.clock() : steady_seconds(); }

int64_t Progress::done() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return done_;
}

void Progress::advance(int64_t count) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  done_ += count;
  ProgressObserver observer;
  {
    std::lock_guard<std::mutex> installed(observer_mutex());
    observer = current_observer();
  }
  if (observer) observer(label_, done_, total_);
  const double t = now();
  const double interval = style_ == ProgressStyle::kBar ? options_.bar_interval_s : options_.line_interval_s;
  if (style_ != ProgressStyle::kSilent && t - last_render_ >= interval) {
    last_render_ = t;
    render(false);
  }
}

void Progress::set_status(std::string status) {
  std::lock_guard<std::mutex> lock(mutex_);
  status_ = std::move(status);
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  finished_ = true;
  if (style_ != ProgressStyle::kSilent) render(true);
}

std::string Progress::summary(double elapsed) const {
  const double rate = elapsed > 0 ? done_ / elapsed : 0.0;
  std::ostringstream out;
  out << done_ << "/" << total_ << " " << unit_ << ", " << format_rate(rate, unit_);
  if (!status_.empty()) out << ", " << status_;
  return out.str();
}

void Progress::render(bool final_line) {
  const double elapsed = now() - start_;
  const double rate = elapsed > 0 ? done_ / elapsed : 0.0;
  const double eta = rate > 0 ? (total_ - done_) / rate : -1.0;
  const double fraction = total_ > 0 ? std::min(1.0, static_cast<double>(done_) / total_) : 1.0;
  std::ostream& out = *out_;
  if (style_ == ProgressStyle::kBar) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    out << "\r" << label_ << " [" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] "
        << summary(elapsed)
        << (final_line ? ", " + format_duration(elapsed) + " total" : ", ETA " + format_duration(eta))
        << "\x1b[K" << (final_line ? "\n" : "") << std::flush;
  } else {
    out << label_ << ": " << (final_line ? "done " : "") << summary(elapsed) << " ("
        << static_cast<int>(std::floor(100 * fraction)) << "%), "
        << (final_line ? "elapsed " + format_duration(elapsed) : "ETA " + format_duration(eta)) << "\n"
        << std::flush;
  }
}

}  // namespace diffrecon
