#include "core/threading.h"

#include <ATen/Parallel.h>

#include <thread>

namespace diffrecon {

int hardware_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

void set_thread_count(int count) { at::set_num_threads(count > 0 ? count : hardware_threads()); }

int thread_count() { return at::get_num_threads(); }

void parallel_for(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& f) {
  at::parallel_for(begin, end, grain, f);
}

}  // namespace diffrecon
