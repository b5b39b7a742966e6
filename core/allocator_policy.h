// glibc malloc settings for a process that decodes large images again and again on several
// threads. Without them glibc raises its mmap threshold to the size of each large block it frees.
// Later image buffers then come from the heap and the per-thread arenas, where freed memory stays
// resident even after malloc_trim (docs/architecture.md, "Memory").
#pragma once

#include <cstddef>

namespace spinemark::core {

// Allocations of this size and above get their own mapping, which free() unmaps at once. That
// covers every 16-bit image from about 362x362 pixels up, but not annotation data or strings.
inline constexpr std::size_t MmapThresholdBytes = std::size_t{256} << 10;
// Free memory at the top of a heap beyond this size goes back to the system on free().
inline constexpr std::size_t TrimThresholdBytes = std::size_t{1} << 20;

// Fixes glibc's mmap and trim thresholds at the values above, which also stops glibc from adjusting
// them. Call at the start of main, before any thread starts. Returns false when the C library
// is not glibc or rejected a setting, as AddressSanitizer's allocator does. The process then runs
// with the library's defaults.
bool applyAllocatorPolicy();

}  // namespace spinemark::core
