// Drawing an Image with window/level on the GPU. The image lives in 16-bit single-channel
// textures (GL_R16, render/image_texture.h), tiled when it exceeds GL_MAX_TEXTURE_SIZE; the fragment shader applies
// window, MONOCHROME1 inversion, user invert and gamma exactly as core/window_level.h defines.
// Every function here needs a current OpenGL 3.3 core context on the calling thread.
#pragma once

#include "core/image.h"
#include "core/view_transform.h"
#include "core/window_level.h"
#include "render/image_texture.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spinemark::render {

// Loads GL entry points with glad for the current context. Returns false when the context is
// older than OpenGL 3.3 core. Call once per context before anything else in this header.
bool loadGl();

// Returns "vendor / renderer / version" of the current context, for the log.
std::string glDescription();

// Largest tile edge, in pixels, for ImageTexture tiles and renderNativeSize framebuffers:
// min(GL_MAX_TEXTURE_SIZE, 4096), further capped by setMaxTileSizeForTesting.
int maxTileSize();

// Caps the tile edge so tests can exercise tiling with small images. 0 removes the cap.
void setMaxTileSizeForTesting(int maxTileEdge);

struct DrawTarget {
  int framebufferWidth = 0;   // device pixels
  int framebufferHeight = 0;
  double framebufferScale = 1.0;  // device pixels per logical window pixel (HiDPI)
  // Optional rectangle, in logical window pixels, outside which nothing is drawn (the loupe).
  struct Clip {
    double x = 0, y = 0, width = 0, height = 0;
  };
  std::optional<Clip> clip;
};

class ImageRenderer {
 public:
  ImageRenderer();  // compiles and links the shader; throws std::runtime_error with the info log
  ~ImageRenderer();
  ImageRenderer(const ImageRenderer&) = delete;
  ImageRenderer& operator=(const ImageRenderer&) = delete;

  // Draws texture into the bound framebuffer. view maps image pixels to logical window pixels.
  // Rows of an incomplete texture (see ImageTexture::complete) show undefined samples.
  // Samples with nearest-neighbour when an image pixel covers at least one device pixel
  // (view.zoom * target.framebufferScale >= 1) and with trilinear mipmaps below that.
  void draw(const ImageTexture& texture, const core::Image& image, const core::ViewTransform& view,
            const core::DisplaySettings& settings, const DrawTarget& target);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Renders image at its native size through the same shader into an offscreen framebuffer and
// returns 8-bit gray rows, top row first (width * height bytes).
std::vector<std::uint8_t> renderNativeSize(const core::Image& image, const core::DisplaySettings& settings);

// Writes 8-bit gray rows as PNG. Throws std::runtime_error naming the file on failure.
void writeGrayPng(const std::filesystem::path& path, int width, int height, const std::vector<std::uint8_t>& gray);

// Reads the bound framebuffer's RGB pixels (top row first) and writes them as PNG.
void writeFramebufferPng(const std::filesystem::path& path, int width, int height);

}  // namespace spinemark::render
