#pragma once

namespace diffrecon {

// Keeps memory that large tensors release in the process's heap instead of returning it to the system,
// so that the next tensor of the same size reuses it without page faults. Iterative reconstructions
// allocate and free volume-sized tensors every iteration; with glibc's defaults each one is mmap'ed,
// faulted in page by page and unmapped again, which costs more than the arithmetic on them (4× on a
// SENSE normal operator in a container). Call once at program start; a no-op without glibc. The price is
// that the resident size stays at its peak.
void retain_freed_memory();

// Returns the freed memory that retain_freed_memory keeps back to the system (glibc's malloc_trim), e.g.
// before measuring the peak memory of the next step. A no-op without glibc.
void release_freed_memory();

// The process's peak resident memory (Linux: VmHWM) in MiB; 0 where it cannot be read.
double peak_resident_memory_mib();

// Restarts the peak at the current resident size (Linux: clear_refs), e.g. after release_freed_memory,
// so that what earlier steps freed does not count towards the next one's peak.
void reset_peak_resident_memory();

}  // namespace diffrecon
