#pragma once

#include <cstdint>
#include <functional>

namespace diffrecon {

// Number of hardware threads (at least 1).
int hardware_threads();

// Sets the intra-op thread count used by LibTorch and by parallel_for. count <= 0 means all cores
// (Debian's LibTorch otherwise starts with 1).
void set_thread_count(int count);
int thread_count();

// Runs f(chunk_begin, chunk_end) over [begin, end) on the intra-op pool, chunks of at least `grain`.
// Compiled once in core (LibTorch's OpenMP backend parallelises at::parallel_for only in code built
// with OpenMP), so callers need no OpenMP flags.
void parallel_for(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& f);

}  // namespace diffrecon
