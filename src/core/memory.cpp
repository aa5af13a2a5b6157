#include "core/memory.h"

#if defined(__GLIBC__)
#include <malloc.h>

#include <climits>
#endif

#include <fstream>
#include <string>

namespace diffrecon {

void retain_freed_memory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_MAX, 0);                    // large blocks from the heap, not from mmap
  mallopt(M_TRIM_THRESHOLD, INT_MAX);        // never return the heap top to the system
#endif
}

void release_freed_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

double peak_resident_memory_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

void reset_peak_resident_memory() { std::ofstream("/proc/self/clear_refs") << "5"; }

}  // namespace diffrecon
