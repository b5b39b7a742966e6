#include "render/gl_test_context.h"

#include "render/gl_objects.h"
#include "render/image_renderer.h"

#include <stdexcept>

namespace spinemark::testing {

std::unique_ptr<render::OffscreenContext> GlTest::s_context;
std::string GlTest::s_skipReason;

void GlTest::SetUpTestSuite()
{
  try {
    s_context = std::make_unique<render::OffscreenContext>();
    s_skipReason.clear();
  } catch (const std::runtime_error& error) {
    s_skipReason = error.what();
  }
}

void GlTest::TearDownTestSuite() { s_context.reset(); }

void GlTest::SetUp()
{
  if (!s_context) {
    GTEST_SKIP() << "no OpenGL 3.3 core context: " << s_skipReason;
  }
  s_context->makeCurrent();
  render::setGlErrorCheck(true);
  render::checkGlError("a previous test");
}

void GlTest::TearDown()
{
  if (s_context) {
    // A test may have created and destroyed another context, which leaves none current.
    s_context->makeCurrent();
    render::checkGlError("the test body");
  }
}

ScopedMaxTileSize::ScopedMaxTileSize(int maxTileEdge) { render::setMaxTileSizeForTesting(maxTileEdge); }

ScopedMaxTileSize::~ScopedMaxTileSize() { render::setMaxTileSizeForTesting(0); }

}  // namespace spinemark::testing
