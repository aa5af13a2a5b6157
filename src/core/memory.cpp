#include "core/memory.h"

#if defined(__GLIBC__)
#include <malloc.h>

#include <climits>
#endif

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

}  // namespace diffrecon
