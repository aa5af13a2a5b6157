#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

namespace diffrecon::bench {

// Median wall time of `repeats` calls of f, in seconds, after one warm-up call.
template <typename F>
double median_seconds(const F& f, int repeats) {
  f();
  std::vector<double> times;
  for (int k = 0; k < repeats; ++k) {
    const auto start = std::chrono::steady_clock::now();
    f();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace diffrecon::bench
