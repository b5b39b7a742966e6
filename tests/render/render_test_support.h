// Helpers shared by the renderer tests: synthetic images, the CPU reference rendering through
// core::displayValue, an offscreen draw target and a per-pixel comparison.
#pragma once

#include "core/image.h"
#include "core/window_level.h"
#include "render/gl_objects.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace spinemark::testing {

// A width x height image whose sample at (x, y) is sampleAt(x, y). minValue and maxValue are
// filled in from the samples.
core::Image makeImage(int width, int height, const std::function<std::uint16_t(int, int)>& sampleAt,
                      double valueScale = 1.0, double valueOffset = 0.0,
                      core::Photometric photometric = core::Photometric::Monochrome2);

// A well-mixed 16-bit value for (x, y), so that a shifted, skewed or mirrored rendering differs.
std::uint16_t hashSample(int x, int y);

// 8-bit reference rendering, top row first: round(255 * core::displayValue(...)) per pixel.
std::vector<std::uint8_t> referenceGray(const core::Image& image, const core::DisplaySettings& settings);

// Empty when every byte of actual is within tolerance of expected; otherwise the number of
// differing pixels and the first one, as "(x, y): actual A, expected E".
std::string compareGray(const std::vector<std::uint8_t>& actual, const std::vector<std::uint8_t>& expected,
                        int width, int tolerance);

// A framebuffer with an RGBA8 colour renderbuffer, bound while the object lives.
class OffscreenTarget {
 public:
  OffscreenTarget(int width, int height);
  ~OffscreenTarget();
  OffscreenTarget(const OffscreenTarget&) = delete;
  OffscreenTarget& operator=(const OffscreenTarget&) = delete;

  // Red channel, top row first.
  std::vector<std::uint8_t> readRed() const;

 private:
  int m_width;
  int m_height;
  render::Renderbuffer m_color;
  render::Framebuffer m_framebuffer;
};

}  // namespace spinemark::testing
