#include "support/test_data.h"

#include <atomic>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace spinemark::testing {

std::filesystem::path sharedDataDir()
{
  if (const char* overridden = std::getenv("SPINEMARK_SHARED_DATA")) {
    std::filesystem::path dir(overridden);
    return std::filesystem::is_directory(dir) ? dir : std::filesystem::path();
  }
  std::filesystem::path dir(SPINEMARK_SHARED_DATA);
  return std::filesystem::is_directory(dir) ? std::filesystem::canonical(dir) : std::filesystem::path();
}

std::filesystem::path makeScratchDir(const char* name)
{
  static std::atomic<int> counter{0};
  auto dir = std::filesystem::temp_directory_path() /
             ("spinemark-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace spinemark::testing
