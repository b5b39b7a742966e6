// Open-to-first-frame of a 3000x2500 12-bit radiograph in each DICOM encoding, against GDCM's own
// decode of the same file in the same run (gdcm::ImageReader::Read plus Image::GetBuffer), which
// is the floor: spinemark cannot open a file faster than GDCM decodes it.
//
//   gdcm_decode/E        the floor
//   spinemark_load/E     core::loadImage: GDCM plus masking, rescale, value range and header facts
//   spinemark_decode/E   core::decodeImageFile: loadImage plus the SHA-256 the annotation records,
//                        which is what a decoder thread does per image
//   first_frame/E        decodeImageFile, then the texture upload with mipmaps through
//                        render::TextureCache, which reuses the texture of the image before as the
//                        app does. Then one draw of the fitted image into a 1400x900 framebuffer
//                        and glFinish. Needs an X display.
//   draw_fitted          that draw and glFinish alone, from a texture uploaded before the loop
//   upload               a new texture's upload with mipmaps
//   upload_and_draw      a new texture's upload and first draw
#include "bench/bench_data.h"
#include "core/image_cache.h"
#include "core/view_transform.h"
#include "render/gl_objects.h"
#include "render/image_renderer.h"
#include "render/offscreen_context.h"
#include "render/texture_cache.h"

#include <benchmark/benchmark.h>
#include <gdcmImageReader.h>
#include <gdcmTrace.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <vector>

namespace {

using namespace spinemark;

constexpr int FramebufferWidth = 1400;  // the app's default window size
constexpr int FramebufferHeight = 900;

void gdcmDecode(benchmark::State& state, const std::filesystem::path& path)
{
  gdcm::Trace::WarningOff();
  for (auto _ : state) {
    gdcm::ImageReader reader;
    reader.SetFileName(path.c_str());
    if (!reader.Read()) {
      state.SkipWithError("GDCM failed to read the file");
      return;
    }
    const gdcm::Image& image = reader.GetImage();
    std::vector<char> buffer(image.GetBufferLength());
    if (!image.GetBuffer(buffer.data())) {
      state.SkipWithError("GDCM failed to decode the pixel data");
      return;
    }
    benchmark::DoNotOptimize(buffer.data());
  }
}

void spinemarkLoad(benchmark::State& state, const std::filesystem::path& path)
{
  for (auto _ : state) {
    core::Image image = core::loadImage(path);
    benchmark::DoNotOptimize(image.pixels.data());
  }
}

void spinemarkDecode(benchmark::State& state, const std::filesystem::path& path)
{
  for (auto _ : state) {
    core::DecodedImage decoded = core::decodeImageFile(path);
    benchmark::DoNotOptimize(decoded.image.pixels.data());
  }
}

// A hidden GL context with a window-sized framebuffer bound, created once for all encodings.
struct GlScreen {
  render::OffscreenContext context;
  render::Renderbuffer color = render::Renderbuffer::create();
  render::Framebuffer framebuffer = render::Framebuffer::create();
  std::unique_ptr<render::ImageRenderer> renderer;

  GlScreen()
  {
    glBindRenderbuffer(GL_RENDERBUFFER, color.id());
    glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, FramebufferWidth, FramebufferHeight);
    glBindFramebuffer(GL_FRAMEBUFFER, framebuffer.id());
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, color.id());
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
      throw std::runtime_error("the benchmark framebuffer is incomplete");
    }
    renderer = std::make_unique<render::ImageRenderer>();
  }
};

std::unique_ptr<GlScreen> s_screen;

// Draws image, fitted into the window-sized framebuffer with its default window, and waits for
// the driver to finish.
void drawFittedAndFinish(const render::ImageTexture& texture, const core::Image& image)
{
  core::ViewTransform view;
  view.zoom = std::min(static_cast<double>(FramebufferWidth) / image.width,
                       static_cast<double>(FramebufferHeight) / image.height);
  core::DisplaySettings display;
  display.window = image.defaultWindow;
  render::DrawTarget target;
  target.framebufferWidth = FramebufferWidth;
  target.framebufferHeight = FramebufferHeight;
  s_screen->renderer->draw(texture, image, view, display, target);
  glFinish();
}

void firstFrame(benchmark::State& state, const std::filesystem::path& path)
{
  render::TextureCache textures;
  int index = 0;
  for (auto _ : state) {
    core::DecodedImage decoded = core::decodeImageFile(path);
    // As the app does on a jump: the texture shown before is released and reused.
    textures.retain({});
    std::size_t sent = 0;
    drawFittedAndFinish(textures.finish(++index, decoded.image, sent), decoded.image);
  }
}

// Drawing alone: the fitted image of an uploaded texture into the window-sized framebuffer, what
// every frame that shows an image pays on top of the UI. The texture does not depend on the encoding.
void drawFitted(benchmark::State& state, const std::filesystem::path& path)
{
  const core::DecodedImage decoded = core::decodeImageFile(path);
  const render::ImageTexture texture(decoded.image);
  for (auto _ : state) {
    drawFittedAndFinish(texture, decoded.image);
  }
}

void uploadOnly(benchmark::State& state, const std::filesystem::path& path)
{
  const core::DecodedImage decoded = core::decodeImageFile(path);
  for (auto _ : state) {
    const render::ImageTexture texture(decoded.image);
    glFinish();
  }
}

// A new texture's upload and its first draw, from pixels decoded before the loop.
void uploadAndDraw(benchmark::State& state, const std::filesystem::path& path)
{
  const core::DecodedImage decoded = core::decodeImageFile(path);
  for (auto _ : state) {
    const render::ImageTexture texture(decoded.image);
    drawFittedAndFinish(texture, decoded.image);
  }
}

}  // namespace

int main(int argc, char** argv)
{
  benchmark::Initialize(&argc, argv);
  const auto files = bench::writeEncodedImages(bench::benchDataFolder());
  try {
    s_screen = std::make_unique<GlScreen>();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "decode_bench: no OpenGL context (%s); first_frame benchmarks are left out\n", error.what());
  }
  for (const auto& file : files) {
    benchmark::RegisterBenchmark(("gdcm_decode/" + file.name).c_str(), gdcmDecode, file.path);
    benchmark::RegisterBenchmark(("spinemark_load/" + file.name).c_str(), spinemarkLoad, file.path);
    benchmark::RegisterBenchmark(("spinemark_decode/" + file.name).c_str(), spinemarkDecode, file.path);
    if (s_screen) {
      benchmark::RegisterBenchmark(("first_frame/" + file.name).c_str(), firstFrame, file.path);
    }
  }
  if (s_screen && !files.empty()) {
    benchmark::RegisterBenchmark("draw_fitted", drawFitted, files.front().path);
    benchmark::RegisterBenchmark("upload", uploadOnly, files.front().path);
    benchmark::RegisterBenchmark("upload_and_draw", uploadAndDraw, files.front().path);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  s_screen.reset();
  return 0;
}
