// A GoogleTest fixture that gives each test suite a current OpenGL 3.3 core context, or skips its
// tests with the reason when none can be created (no display, no OpenGL 3.3 driver).
#pragma once

#include "render/offscreen_context.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace spinemark::testing {

class GlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  void TearDown() override;

 private:
  static std::unique_ptr<render::OffscreenContext> s_context;
  static std::string s_skipReason;
};

// Sets the tile cap of render::setMaxTileSizeForTesting for one scope and removes it afterwards.
class ScopedMaxTileSize {
 public:
  explicit ScopedMaxTileSize(int maxTileEdge);
  ~ScopedMaxTileSize();
  ScopedMaxTileSize(const ScopedMaxTileSize&) = delete;
  ScopedMaxTileSize& operator=(const ScopedMaxTileSize&) = delete;
};

}  // namespace spinemark::testing
