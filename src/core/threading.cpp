#include "core/threading.h"

#include <thread>

namespace diffrecon {

int hardware_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

void set_thread_count(int count) { at::set_num_threads(count > 0 ? count : hardware_threads()); }

int thread_count() { return at::get_num_threads(); }

}  // namespace diffrecon
