// Locating the shared real radiographs and making scratch folders for tests.
#pragma once

#include <filesystem>

namespace spinemark::testing {

// The shared data folder, or an empty path when it does not exist (tests then GTEST_SKIP).
std::filesystem::path sharedDataDir();

// A fresh empty folder under the system temp folder, unique per call.
std::filesystem::path makeScratchDir(const char* name);

}  // namespace spinemark::testing
