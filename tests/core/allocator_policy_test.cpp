// The allocator policy keeps image-sized blocks in their own mappings after a larger one was freed.
#include "core/allocator_policy.h"

#include "support/address_sanitizer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace spinemark::core {
namespace {

#if defined(__GLIBC__) && !defined(SPINEMARK_ADDRESS_SANITIZER)
// Every block passes through this volatile pointer, so the compiler cannot remove a malloc and free
// pair whose memory is otherwise unused.
void* volatile s_escaped = nullptr;

void* touchedBlock(std::size_t bytes)
{
  void* block = std::malloc(bytes);
  if (block) {
    std::memset(block, 1, bytes);
  }
  s_escaped = block;
  return s_escaped;
}
#endif

TEST(AllocatorPolicy, ImageBlockMappedAfterLargerFree)
{
#if !defined(__GLIBC__) || defined(SPINEMARK_ADDRESS_SANITIZER)
  GTEST_SKIP() << "needs glibc malloc (AddressSanitizer replaces it)";
#else
  ASSERT_TRUE(applyAllocatorPolicy());
  // glibc's dynamic threshold would rise to 4 MiB here, because the block it frees was mapped.
  std::free(touchedBlock(std::size_t{4} << 20));
  const std::size_t mappedBefore = mallinfo2().hblkhd;
  void* image = touchedBlock(std::size_t{1} << 20);
  ASSERT_NE(image, nullptr);
  const std::size_t mappedWith = mallinfo2().hblkhd;
  std::free(image);
  EXPECT_GE(mappedWith, mappedBefore + (std::size_t{1} << 20))
      << "a 1 MiB block came from the heap instead of its own mapping: the mmap threshold moved";
  EXPECT_EQ(mallinfo2().hblkhd, mappedBefore) << "freeing the 1 MiB block did not unmap it";
#endif
}

}  // namespace
}  // namespace spinemark::core
