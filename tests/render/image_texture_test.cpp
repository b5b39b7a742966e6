// ImageTexture's striped upload: byte budget per call, CPU mipmaps, and drawing that matches a
// whole upload, tiled and untiled. TextureCache: the budget across queued textures.
#include "render/image_texture.h"

#include "render/gl_test_context.h"
#include "render/image_renderer.h"
#include "render/image_texture_tiles.h"
#include "render/render_test_support.h"
#include "render/texture_cache.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace spinemark::render {
namespace {

using testing::compareGray;
using testing::GlTest;
using testing::hashSample;
using testing::makeImage;
using testing::OffscreenTarget;
using testing::referenceGray;
using testing::ScopedMaxTileSize;

using ImageTextureTest = GlTest;

// Sends image in calls of at most budgetBytes and checks every call against the budget.
void uploadInStripes(ImageTexture& texture, const core::Image& image, std::size_t budgetBytes)
{
  int calls = 0;
  while (!texture.complete()) {
    const std::size_t sent = texture.uploadRows(image, budgetBytes);
    EXPECT_GT(sent, 0u) << "call " << calls;
    EXPECT_LE(sent, budgetBytes) << "call " << calls;
    ++calls;
    ASSERT_LT(calls, 100000) << "upload makes no progress";
  }
  EXPECT_GT(calls, 1);
  EXPECT_EQ(texture.uploadedBytes(), texture.totalBytes());
}

// Level `level` of the first tile, read back from GL.
std::vector<std::uint16_t> readLevel(const ImageTexture& texture, int level, int width, int height)
{
  std::vector<std::uint16_t> samples(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
  glBindTexture(GL_TEXTURE_2D, texture.impl().tiles.front().texture.id());
  glPixelStorei(GL_PACK_ALIGNMENT, 2);
  glGetTexImage(GL_TEXTURE_2D, level, GL_RED, GL_UNSIGNED_SHORT, samples.data());
  glBindTexture(GL_TEXTURE_2D, 0);
  return samples;
}

std::vector<std::uint8_t> drawAtZoom(const ImageTexture& texture, const core::Image& image, double zoom)
{
  core::DisplaySettings settings;
  settings.window = image.defaultWindow;
  ImageRenderer renderer;
  const int width = static_cast<int>(image.width * zoom);
  const int height = static_cast<int>(image.height * zoom);
  const OffscreenTarget target(width, height);
  core::ViewTransform view;
  view.zoom = zoom;
  renderer.draw(texture, image, view, settings, DrawTarget{width, height, 1.0, {}});
  return target.readRed();
}

TEST_F(ImageTextureTest, AllocateUploadsNothing)
{
  const core::Image image = makeImage(40, 30, hashSample);
  const ImageTexture texture = ImageTexture::allocate(image);
  EXPECT_FALSE(texture.complete());
  EXPECT_EQ(texture.uploadedBytes(), 0u);
  // 40x30, 20x15, 10x7, 5x3, 2x1, 1x1 samples of 2 bytes.
  EXPECT_EQ(texture.totalBytes(), 2u * (1200 + 300 + 70 + 15 + 2 + 1));
}

TEST_F(ImageTextureTest, StripesStayWithinBudget)
{
  const core::Image image = makeImage(300, 200, hashSample);
  ImageTexture texture = ImageTexture::allocate(image);
  uploadInStripes(texture, image, 4096);
}

TEST_F(ImageTextureTest, BudgetBelowOneRowSendsOneRow)
{
  const core::Image image = makeImage(300, 200, hashSample);
  ImageTexture texture = ImageTexture::allocate(image);
  EXPECT_EQ(texture.uploadRows(image, 1), 300u * 2);
  EXPECT_EQ(texture.uploadRows(image, 1), 300u * 2);
}

TEST_F(ImageTextureTest, MipmapLevelsAreBoxAverages)
{
  // 5x3: level 1 is 2x1 and drops the odd last column and row, level 2 is 1x1.
  const std::vector<std::uint16_t> samples = {0,  4,   8,   12,  99,  //
                                              16, 20,  24,  28,  99,  //
                                              99, 99,  99,  99,  99};
  const core::Image image = makeImage(5, 3, [&samples](int x, int y) { return samples[static_cast<std::size_t>(y) * 5 + x]; });
  ImageTexture texture = ImageTexture::allocate(image);
  uploadInStripes(texture, image, 10);
  EXPECT_EQ(readLevel(texture, 1, 2, 1), (std::vector<std::uint16_t>{10, 18}));
  EXPECT_EQ(readLevel(texture, 2, 1, 1), (std::vector<std::uint16_t>{14}));
}

TEST_F(ImageTextureTest, StripedUploadDrawsLikeWholeUpload)
{
  const core::Image image = makeImage(333, 101, hashSample);
  core::DisplaySettings settings;
  settings.window = image.defaultWindow;
  for (const int tileEdge : {0, 64}) {
    SCOPED_TRACE(tileEdge == 0 ? "untiled" : "tiles of 64");
    const ScopedMaxTileSize tiles(tileEdge);
    const ImageTexture whole(image);
    ImageTexture striped = ImageTexture::allocate(image);
    uploadInStripes(striped, image, 700);

    EXPECT_EQ(compareGray(drawAtZoom(striped, image, 1.0), referenceGray(image, settings), image.width, 1), "");
    // Minified, the trilinear filter reads every mipmap level.
    const int minifiedWidth = static_cast<int>(image.width * 0.3);
    EXPECT_EQ(compareGray(drawAtZoom(striped, image, 0.3), drawAtZoom(whole, image, 0.3), minifiedWidth, 0), "");
  }
}

TEST_F(ImageTextureTest, MismatchedImageIsRejected)
{
  const core::Image image = makeImage(30, 20, hashSample);
  ImageTexture texture = ImageTexture::allocate(image);
  EXPECT_THROW(texture.uploadRows(makeImage(20, 30, hashSample), 1000), std::invalid_argument);
}

TEST_F(ImageTextureTest, CacheUploadsQueueWithinBudget)
{
  TextureCache cache;
  const auto first = std::make_shared<core::DecodedImage>(core::DecodedImage{makeImage(300, 200, hashSample), ""});
  const auto second = std::make_shared<core::DecodedImage>(core::DecodedImage{makeImage(310, 90, hashSample), ""});
  cache.schedule(4, first);
  cache.schedule(5, second);
  EXPECT_TRUE(cache.uploading());

  // 1000 bytes rarely end on a row boundary of either image, so the switch from the first
  // texture to the second must not overshoot.
  constexpr std::size_t Budget = 1000;
  int frames = 0;
  while (cache.uploading()) {
    EXPECT_LE(cache.uploadQueued(Budget), Budget) << "frame " << frames;
    ++frames;
    ASSERT_LT(frames, 100000) << "upload makes no progress";
  }
  std::size_t sent = 0;
  const ImageTexture& done = cache.finish(4, first->image, sent);
  EXPECT_EQ(sent, 0u);
  EXPECT_TRUE(done.complete());
  EXPECT_EQ(cache.bytesHeld(), done.totalBytes() + ImageTexture::allocate(second->image).totalBytes());

  cache.retain({5});
  EXPECT_FALSE(cache.contains(4));
  EXPECT_TRUE(cache.contains(5));
}

TEST_F(ImageTextureTest, CacheFinishUploadsRest)
{
  TextureCache cache;
  const auto decoded = std::make_shared<core::DecodedImage>(core::DecodedImage{makeImage(300, 200, hashSample), ""});
  cache.schedule(0, decoded);
  const std::size_t early = cache.uploadQueued(2000);
  std::size_t rest = 0;
  const ImageTexture& texture = cache.finish(0, decoded->image, rest);
  EXPECT_TRUE(texture.complete());
  EXPECT_EQ(early + rest, texture.totalBytes());
  EXPECT_FALSE(cache.uploading());
}

// A texture released by retain is reused by the next image of its size, and then draws that
// image exactly as a new texture would, at every mipmap level.
TEST_F(ImageTextureTest, CacheReusesReleasedTextureOfSameSize)
{
  TextureCache cache;
  const core::Image first = makeImage(333, 101, hashSample);
  const core::Image second = makeImage(333, 101, [](int x, int y) { return hashSample(y, x + 7); });
  std::size_t sent = 0;
  const ImageTexture* released = &cache.finish(0, first, sent);
  cache.retain({});
  EXPECT_FALSE(cache.contains(0));
  EXPECT_EQ(cache.bytesHeld(), released->totalBytes());

  sent = 0;
  const ImageTexture& reused = cache.finish(1, second, sent);
  EXPECT_EQ(&reused, released);
  EXPECT_EQ(sent, reused.totalBytes());
  const ImageTexture fresh(second);
  core::DisplaySettings settings;
  settings.window = second.defaultWindow;
  EXPECT_EQ(compareGray(drawAtZoom(reused, second, 1.0), referenceGray(second, settings), second.width, 1), "");
  const int minifiedWidth = static_cast<int>(second.width * 0.3);
  EXPECT_EQ(compareGray(drawAtZoom(reused, second, 0.3), drawAtZoom(fresh, second, 0.3), minifiedWidth, 0), "");
}

TEST_F(ImageTextureTest, CacheSpareLimitAndSizeMatch)
{
  TextureCache cache;
  for (int index = 0; index < 4; ++index) {
    cache.schedule(index, std::make_shared<core::DecodedImage>(core::DecodedImage{makeImage(64, 48, hashSample), ""}));
  }
  const std::size_t oneTexture = ImageTexture::allocate(makeImage(64, 48, hashSample)).totalBytes();
  cache.retain({});
  EXPECT_EQ(cache.bytesHeld(), TextureCache::MaxSpareTextures * oneTexture);

  const core::Image other = makeImage(48, 64, hashSample);
  std::size_t sent = 0;
  const ImageTexture& texture = cache.finish(9, other, sent);
  EXPECT_EQ(texture.width(), 48);
  EXPECT_EQ(cache.bytesHeld(), TextureCache::MaxSpareTextures * oneTexture + texture.totalBytes());
}

}  // namespace
}  // namespace spinemark::render
