// SPINEMARK_ADDRESS_SANITIZER is defined when the test is built with AddressSanitizer, whose
// allocator replaces glibc malloc, so tests of memory use can skip there.
#pragma once

// gcc defines __SANITIZE_ADDRESS__ under AddressSanitizer; clang 14 reports it only through
// __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define SPINEMARK_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPINEMARK_ADDRESS_SANITIZER 1
#endif
#endif
