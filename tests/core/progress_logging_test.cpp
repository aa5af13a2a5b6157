#include <gtest/gtest.h>

#include <sstream>

#include "core/logging.h"
#include "core/progress.h"

namespace diffrecon {
namespace {

ProgressOptions fake_clock_options(ProgressStyle style, std::ostream& out, double& now) {
  ProgressOptions options;
  options.style = style;
  options.out = &out;
  options.line_interval_s = 10;
  options.clock = [&now] { return now; };
  return options;
}

int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(Progress, LinesStylePrintsPeriodicallyWithRateAndEta) {
  std::ostringstream out;
  double now = 0;
  {
    Progress progress("recon", 100, "step", fake_clock_options(ProgressStyle::kLines, out, now));
    for (int i = 0; i < 100; ++i) {
      now += 0.5;  // 2 steps/s: a line every 20 steps
      progress.advance();
    }
  }
  const std::string text = out.str();
  EXPECT_EQ(count_lines(text), 5 + 1) << text;  // t = 10, 20, 30, 40, 50 and the final line
  EXPECT_NE(text.find("recon: 20/100 step, 2 step/s (20%), ETA 00:40"), std::string::npos) << text;
  EXPECT_NE(text.find("recon: done 100/100 step"), std::string::npos) << text;
  EXPECT_EQ(text.find('\r'), std::string::npos);
}

TEST(Progress, BarStyleRedrawsOneLine) {
  std::ostringstream out;
  double now = 0;
  Progress progress("train", 4, "it", fake_clock_options(ProgressStyle::kBar, out, now));
  now = 1;
  progress.set_status("loss 0.5");
  progress.advance();
  progress.finish();
  const std::string text = out.str();
  EXPECT_NE(text.find("\rtrain ["), std::string::npos) << text;
  EXPECT_NE(text.find("ETA 00:03"), std::string::npos) << text;
  EXPECT_NE(text.find("loss 0.5"), std::string::npos) << text;
  EXPECT_EQ(count_lines(text), 1);
}

TEST(Progress, SilentPrintsNothingAndDefaultStyleFollowsQuiet) {
  std::ostringstream out;
  double now = 0;
  {
    Progress progress("x", 3, "it", fake_clock_options(ProgressStyle::kSilent, out, now));
    now = 100;
    progress.advance(3);
  }
  EXPECT_TRUE(out.str().empty());

  set_log_level(LogLevel::kQuiet);
  ProgressOptions automatic;
  automatic.out = &out;
  EXPECT_EQ(Progress("y", 1, "it", automatic).style(), ProgressStyle::kSilent);
  set_log_level(LogLevel::kInfo);
  EXPECT_EQ(Progress("y", 1, "it", automatic).style(), ProgressStyle::kLines);  // not a terminal
}

TEST(Progress, FormatDuration) {
  EXPECT_EQ(format_duration(65), "01:05");
  EXPECT_EQ(format_duration(3725), "1:02:05");
  EXPECT_EQ(format_duration(-1), "--:--");
}

TEST(Logging, LevelsFilterMessages) {
  std::ostringstream out;
  set_log_stream(&out);
  set_log_level(LogLevel::kWarning);
  Log(LogLevel::kInfo) << "hidden";
  Log(LogLevel::kWarning) << "shown " << 42;
  set_log_level(LogLevel::kInfo);
  set_log_stream(nullptr);
  EXPECT_EQ(out.str(), "[warning] shown 42\n");
  EXPECT_EQ(parse_log_level("debug"), LogLevel::kDebug);
  EXPECT_THROW(parse_log_level("loud"), std::exception);
}

}  // namespace
}  // namespace diffrecon
