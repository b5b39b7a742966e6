#include "render/image_renderer.h"

#include "render/gl_objects.h"
#include "render/gl_test_context.h"
#include "render/render_test_support.h"
#include "support/test_data.h"

#include <gtest/gtest.h>
#include <stb_image.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

namespace spinemark::render {
namespace {

using testing::compareGray;
using testing::GlTest;
using testing::hashSample;
using testing::makeImage;
using testing::OffscreenTarget;
using testing::referenceGray;
using testing::ScopedMaxTileSize;

// The shader computes in 32-bit float and the framebuffer rounds to 8 bits, so one count of
// difference from the double-precision reference is allowed.
constexpr int Tolerance = 1;

struct PipelineCase {
  const char* name;
  core::Photometric photometric;
  bool invert;
  double gamma;
};

constexpr std::array<PipelineCase, 5> PipelineCases{{
    {"monochrome2", core::Photometric::Monochrome2, false, 1.0},
    {"monochrome1", core::Photometric::Monochrome1, false, 1.0},
    {"monochrome2 inverted, gamma 2.2", core::Photometric::Monochrome2, true, 2.2},
    {"monochrome1 inverted, gamma 0.5", core::Photometric::Monochrome1, true, 0.5},
    {"monochrome1, gamma 1.8", core::Photometric::Monochrome1, false, 1.8},
}};

// 333 x 101: an odd width, so 16-bit rows are 666 bytes and a wrong unpack alignment skews rows.
core::Image oddWidthImage(core::Photometric photometric)
{
  // Rescaled like a CT: modality = sample / 2 - 1024.
  return makeImage(333, 101, hashSample, 0.5, -1024.0, photometric);
}

core::DisplaySettings settingsFor(const PipelineCase& pipeline)
{
  core::DisplaySettings settings;
  settings.window = core::Window{10000.0, 20000.0};  // clips at both ends of -1024..31743
  settings.invert = pipeline.invert;
  settings.gamma = pipeline.gamma;
  return settings;
}

using RenderNativeSizeTest = GlTest;

TEST_F(RenderNativeSizeTest, OddWidthMatchesDisplayValue)
{
  for (const PipelineCase& pipeline : PipelineCases) {
    SCOPED_TRACE(pipeline.name);
    const core::Image image = oddWidthImage(pipeline.photometric);
    const core::DisplaySettings settings = settingsFor(pipeline);

    const std::vector<std::uint8_t> rendered = renderNativeSize(image, settings);
    EXPECT_EQ(compareGray(rendered, referenceGray(image, settings), image.width, Tolerance), "");
  }
}

TEST_F(RenderNativeSizeTest, NarrowAndThresholdWindows)
{
  const core::Image image = oddWidthImage(core::Photometric::Monochrome2);
  for (const core::Window window : {core::Window{5000.0, 2.0}, core::Window{5000.0, 1.0}, core::Window{-5000.0, 100.0}}) {
    SCOPED_TRACE("window " + std::to_string(window.center) + " / " + std::to_string(window.width));
    core::DisplaySettings settings;
    settings.window = window;
    EXPECT_EQ(compareGray(renderNativeSize(image, settings), referenceGray(image, settings), image.width, Tolerance),
              "");
  }
}

// The unsharp mask (the loupe's "enhance") is its own shader variant. Its reference: each sample
// plus amount times its difference from the mean of the 3x3 samples two pixels apart, with
// clamped edges as GL_CLAMP_TO_EDGE does, then the ordinary display pipeline.
TEST_F(RenderNativeSizeTest, UnsharpMaskMatchesReference)
{
  const auto step = [](int x, int) -> std::uint16_t { return x < 16 ? 1000 : 3000; };
  const core::Image image = makeImage(32, 12, step);
  constexpr double Amount = 1.0;
  const auto sharpenedSample = [&](int x, int y) {
    double blur = 0.0;
    for (int dy = -2; dy <= 2; dy += 2) {
      for (int dx = -2; dx <= 2; dx += 2) {
        blur += step(std::clamp(x + dx, 0, image.width - 1), std::clamp(y + dy, 0, image.height - 1));
      }
    }
    const double sample = step(x, y);
    return static_cast<std::uint16_t>(std::lround(sample + Amount * (sample - blur / 9.0)));
  };
  core::DisplaySettings settings;
  settings.window = core::Window{2000.0, 4000.0};
  settings.unsharpAmount = Amount;

  const std::vector<std::uint8_t> rendered = renderNativeSize(image, settings);
  core::DisplaySettings plain = settings;
  plain.unsharpAmount = 0.0;
  EXPECT_EQ(compareGray(rendered, referenceGray(makeImage(32, 12, sharpenedSample), plain), image.width, Tolerance),
            "");
  // The edge overshoots on both sides, so the test cannot pass on the plain variant.
  EXPECT_NE(compareGray(rendered, referenceGray(image, plain), image.width, Tolerance), "");
  EXPECT_EQ(compareGray(renderNativeSize(image, plain), referenceGray(image, plain), image.width, Tolerance), "");
}

TEST_F(RenderNativeSizeTest, TiledMatchesUntiled)
{
  const core::Image image = oddWidthImage(core::Photometric::Monochrome1);
  const core::DisplaySettings settings = settingsFor(PipelineCases[3]);
  const std::vector<std::uint8_t> untiled = renderNativeSize(image, settings);
  {
    const ImageTexture texture(image);
    ASSERT_EQ(texture.tileCount(), 1);
  }

  const ScopedMaxTileSize smallTiles(64);
  const ImageTexture texture(image);
  EXPECT_EQ(texture.tileCount(), 6 * 2);  // ceil(333 / 64) columns, ceil(101 / 64) rows
  EXPECT_EQ(texture.width(), image.width);
  EXPECT_EQ(texture.height(), image.height);

  const std::vector<std::uint8_t> tiled = renderNativeSize(image, settings);
  EXPECT_EQ(compareGray(tiled, untiled, image.width, 0), "");
  EXPECT_EQ(compareGray(tiled, referenceGray(image, settings), image.width, Tolerance), "");
}

TEST_F(RenderNativeSizeTest, WiderThanMaxTextureSize)
{
  GLint maxTextureSize = 0;
  glGetIntegerv(GL_MAX_TEXTURE_SIZE, &maxTextureSize);
  const core::Image image = makeImage(maxTextureSize + 3, 5, hashSample);
  core::DisplaySettings settings;
  settings.window = image.defaultWindow;

  const ImageTexture texture(image);
  EXPECT_GE(texture.tileCount(), 2);
  EXPECT_EQ(compareGray(renderNativeSize(image, settings), referenceGray(image, settings), image.width, Tolerance),
            "");
}

TEST_F(RenderNativeSizeTest, RejectsInconsistentImage)
{
  core::Image image = makeImage(4, 4, hashSample);
  image.pixels.pop_back();
  EXPECT_THROW(renderNativeSize(image, core::DisplaySettings{}), std::invalid_argument);
}

using ImageRendererTest = GlTest;

// A checkerboard of single black and white pixels, windowed so 0 shows black and 65535 white.
core::Image checkerboard(int size)
{
  return makeImage(size, size, [](int x, int y) { return static_cast<std::uint16_t>((x + y) % 2 == 0 ? 0 : 65535); });
}

TEST_F(ImageRendererTest, ZoomedOutUsesMipmaps)
{
  const core::Image image = checkerboard(256);
  core::DisplaySettings settings;
  settings.window = image.defaultWindow;
  const ImageTexture texture(image);
  ImageRenderer renderer;

  // At zoom 0.3 plain bilinear sampling would alias the checkerboard into a pattern. Mipmap
  // levels 1 and 2 average it to 0.5 everywhere.
  constexpr int Size = 76;
  const OffscreenTarget target(Size, Size);
  core::ViewTransform view;
  view.zoom = 0.3;
  renderer.draw(texture, image, view, settings, DrawTarget{Size, Size, 1.0, {}});
  const std::vector<std::uint8_t> gray = target.readRed();
  const auto [low, high] = std::minmax_element(gray.begin(), gray.end());
  EXPECT_GE(*low, 122);
  EXPECT_LE(*high, 133);
}

TEST_F(ImageRendererTest, ZoomedInUsesNearestNeighbour)
{
  const core::Image image = makeImage(20, 20, hashSample);
  core::DisplaySettings settings;
  settings.window = image.defaultWindow;
  const std::vector<std::uint8_t> expected = referenceGray(image, settings);
  const ImageTexture texture(image);
  ImageRenderer renderer;

  constexpr int Zoom = 3;
  constexpr int Size = 20 * Zoom;
  const OffscreenTarget target(Size, Size);
  core::ViewTransform view;
  view.zoom = Zoom;
  renderer.draw(texture, image, view, settings, DrawTarget{Size, Size, 1.0, {}});

  // Every screen pixel must show exactly the image pixel under its centre, with no blending.
  std::vector<std::uint8_t> magnified(static_cast<std::size_t>(Size) * Size);
  for (int y = 0; y < Size; ++y) {
    for (int x = 0; x < Size; ++x) {
      magnified[static_cast<std::size_t>(y) * Size + x] = expected[static_cast<std::size_t>(y / Zoom) * 20 + x / Zoom];
    }
  }
  EXPECT_EQ(compareGray(target.readRed(), magnified, Size, Tolerance), "");
}

TEST_F(ImageRendererTest, FramebufferScaleMapsLogicalPixels)
{
  // HiDPI: with 2 device pixels per logical pixel, zoom 1 and an offset of (3, 2) logical pixels,
  // each image pixel covers a 2 x 2 block of device pixels starting at device (6, 4).
  const core::Image image = makeImage(31, 17, hashSample);
  core::DisplaySettings settings;
  settings.window = image.defaultWindow;
  const std::vector<std::uint8_t> expected = referenceGray(image, settings);
  const ImageTexture texture(image);
  ImageRenderer renderer;

  constexpr int Width = 80;
  constexpr int Height = 50;
  const OffscreenTarget target(Width, Height);
  core::ViewTransform view;
  view.offsetX = 3.0;
  view.offsetY = 2.0;
  renderer.draw(texture, image, view, settings, DrawTarget{Width, Height, 2.0, {}});
  const std::vector<std::uint8_t> gray = target.readRed();

  std::vector<std::uint8_t> mapped(gray.size(), 0);  // the target was cleared to black
  for (int y = 4; y < 4 + 2 * image.height; ++y) {
    for (int x = 6; x < 6 + 2 * image.width; ++x) {
      mapped[static_cast<std::size_t>(y) * Width + x] =
          expected[static_cast<std::size_t>((y - 4) / 2) * image.width + (x - 6) / 2];
    }
  }
  EXPECT_EQ(compareGray(gray, mapped, Width, Tolerance), "");
}

TEST_F(ImageRendererTest, DrawRestoresImGuiState)
{
  const core::Image image = makeImage(8, 8, hashSample);
  const ImageTexture texture(image);
  ImageRenderer renderer;
  const OffscreenTarget target(16, 16);

  // State as ImGui's OpenGL 3 backend might leave it between frames.
  const Shader vertex = compileShader(GL_VERTEX_SHADER, "#version 330 core\nvoid main() { gl_Position = vec4(0.0); }\n",
                                      "state.vert");
  const Shader fragment = compileShader(
      GL_FRAGMENT_SHADER, "#version 330 core\nout vec4 color;\nvoid main() { color = vec4(1.0); }\n", "state.frag");
  const Program program = linkProgram(vertex, fragment, "state program");
  const VertexArray vertexArray = VertexArray::create();
  const Texture unit0Texture = Texture::create();
  const Texture unit3Texture = Texture::create();
  GLuint sampler = 0;
  glGenSamplers(1, &sampler);

  glUseProgram(program.id());
  glBindVertexArray(vertexArray.id());
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, unit0Texture.id());
  glBindSampler(0, sampler);
  glActiveTexture(GL_TEXTURE3);
  glBindTexture(GL_TEXTURE_2D, unit3Texture.id());
  glEnable(GL_BLEND);
  glEnable(GL_SCISSOR_TEST);
  glViewport(1, 2, 7, 9);

  core::DisplaySettings settings;
  settings.window = image.defaultWindow;
  renderer.draw(texture, image, core::ViewTransform{}, settings, DrawTarget{16, 16, 1.0, {}});

  GLint value = 0;
  glGetIntegerv(GL_CURRENT_PROGRAM, &value);
  EXPECT_EQ(static_cast<GLuint>(value), program.id());
  glGetIntegerv(GL_VERTEX_ARRAY_BINDING, &value);
  EXPECT_EQ(static_cast<GLuint>(value), vertexArray.id());
  glGetIntegerv(GL_ACTIVE_TEXTURE, &value);
  EXPECT_EQ(value, GL_TEXTURE3);
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &value);
  EXPECT_EQ(static_cast<GLuint>(value), unit3Texture.id());
  glActiveTexture(GL_TEXTURE0);
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &value);
  EXPECT_EQ(static_cast<GLuint>(value), unit0Texture.id());
  glGetIntegerv(GL_SAMPLER_BINDING, &value);
  EXPECT_EQ(static_cast<GLuint>(value), sampler);
  EXPECT_EQ(glIsEnabled(GL_BLEND), GL_TRUE);
  EXPECT_EQ(glIsEnabled(GL_SCISSOR_TEST), GL_TRUE);
  std::array<GLint, 4> viewport{};
  glGetIntegerv(GL_VIEWPORT, viewport.data());
  EXPECT_EQ(viewport, (std::array<GLint, 4>{1, 2, 7, 9}));

  glUseProgram(0);
  glBindVertexArray(0);
  glBindSampler(0, 0);
  glDeleteSamplers(1, &sampler);
  glDisable(GL_BLEND);
  glDisable(GL_SCISSOR_TEST);
}

TEST_F(ImageRendererTest, UploadRestoresUnpackState)
{
  glPixelStorei(GL_UNPACK_ALIGNMENT, 8);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 5);
  const core::Image image = makeImage(7, 3, hashSample);
  const ImageTexture texture(image);

  GLint value = 0;
  glGetIntegerv(GL_UNPACK_ALIGNMENT, &value);
  EXPECT_EQ(value, 8);
  glGetIntegerv(GL_UNPACK_ROW_LENGTH, &value);
  EXPECT_EQ(value, 5);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
}

using PngOutputTest = GlTest;

TEST_F(PngOutputTest, GrayPngRoundTrips)
{
  const core::Image image = oddWidthImage(core::Photometric::Monochrome2);
  const core::DisplaySettings settings = settingsFor(PipelineCases[0]);
  const std::vector<std::uint8_t> rendered = renderNativeSize(image, settings);
  const auto path = testing::makeScratchDir("gray-png") / "out.png";
  writeGrayPng(path, image.width, image.height, rendered);

  int width = 0;
  int height = 0;
  int channels = 0;
  stbi_uc* decoded = stbi_load(path.c_str(), &width, &height, &channels, 1);
  ASSERT_NE(decoded, nullptr) << stbi_failure_reason();
  const std::vector<std::uint8_t> read(decoded, decoded + static_cast<std::size_t>(width) * height);
  stbi_image_free(decoded);
  EXPECT_EQ(width, image.width);
  EXPECT_EQ(height, image.height);
  EXPECT_EQ(channels, 1);
  EXPECT_EQ(compareGray(read, rendered, image.width, 0), "");
}

TEST_F(PngOutputTest, UnwritablePathNamesFile)
{
  const auto path = testing::makeScratchDir("gray-png") / "missing-folder" / "out.png";
  try {
    writeGrayPng(path, 2, 2, std::vector<std::uint8_t>(4, 0));
    FAIL() << "writing into a missing folder did not throw";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
  }
  EXPECT_THROW(writeGrayPng(path, 3, 2, std::vector<std::uint8_t>(4, 0)), std::invalid_argument);
}

TEST_F(PngOutputTest, FramebufferPngIsTopRowFirst)
{
  const core::Image image = makeImage(13, 9, hashSample);
  core::DisplaySettings settings;
  settings.window = image.defaultWindow;
  const ImageTexture texture(image);
  ImageRenderer renderer;
  const OffscreenTarget target(image.width, image.height);
  renderer.draw(texture, image, core::ViewTransform{}, settings, DrawTarget{image.width, image.height, 1.0, {}});

  const auto path = testing::makeScratchDir("framebuffer-png") / "frame.png";
  writeFramebufferPng(path, image.width, image.height);

  int width = 0;
  int height = 0;
  int channels = 0;
  stbi_uc* decoded = stbi_load(path.c_str(), &width, &height, &channels, 3);
  ASSERT_NE(decoded, nullptr) << stbi_failure_reason();
  std::vector<std::uint8_t> red(static_cast<std::size_t>(width) * height);
  for (std::size_t i = 0; i < red.size(); ++i) {
    red[i] = decoded[i * 3];
  }
  stbi_image_free(decoded);
  EXPECT_EQ(channels, 3);
  ASSERT_EQ(width, image.width);
  ASSERT_EQ(height, image.height);
  EXPECT_EQ(compareGray(red, referenceGray(image, settings), image.width, Tolerance), "");
}

TEST_F(ImageRendererTest, DescriptionNamesVersion)
{
  const std::string description = glDescription();
  EXPECT_NE(description.find(" / "), std::string::npos) << description;
  const auto* version = reinterpret_cast<const char*>(glGetString(GL_VERSION));
  ASSERT_NE(version, nullptr);
  EXPECT_NE(description.find(version), std::string::npos) << description;
}

}  // namespace
}  // namespace spinemark::render
