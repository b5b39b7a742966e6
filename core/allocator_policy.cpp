#include "core/allocator_policy.h"

#include <spdlog/spdlog.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace spinemark::core {

bool applyAllocatorPolicy()
{
#if defined(__GLIBC__)
  // mallopt returns 1 on success. Setting M_MMAP_THRESHOLD also turns off glibc's dynamic
  // threshold, which would otherwise follow the largest block freed so far up to 32 MiB.
  const bool mmapSet = ::mallopt(M_MMAP_THRESHOLD, static_cast<int>(MmapThresholdBytes)) == 1;
  const bool trimSet = ::mallopt(M_TRIM_THRESHOLD, static_cast<int>(TrimThresholdBytes)) == 1;
  if (!mmapSet || !trimSet) {
    spdlog::debug("mallopt rejected the mmap or trim threshold, so the C library's defaults stay in force");
  }
  return mmapSet && trimSet;
#else
  return false;
#endif
}

}  // namespace spinemark::core
