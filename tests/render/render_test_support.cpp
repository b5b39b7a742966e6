#include "render/render_test_support.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace spinemark::testing {

core::Image makeImage(int width, int height, const std::function<std::uint16_t(int, int)>& sampleAt,
                      double valueScale, double valueOffset, core::Photometric photometric)
{
  core::Image image;
  image.width = width;
  image.height = height;
  image.valueScale = valueScale;
  image.valueOffset = valueOffset;
  image.photometric = photometric;
  image.pixels.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      image.pixels[static_cast<std::size_t>(y) * width + x] = sampleAt(x, y);
    }
  }
  const auto [low, high] = std::minmax_element(image.pixels.begin(), image.pixels.end());
  image.minValue = image.modalityValue(*low);
  image.maxValue = image.modalityValue(*high);
  image.defaultWindow = core::fullRangeWindow(image);
  return image;
}

std::uint16_t hashSample(int x, int y)
{
  auto h = static_cast<std::uint32_t>(x) * 73856093u ^ static_cast<std::uint32_t>(y) * 19349663u;
  h ^= h >> 13;
  h *= 0x5bd1e995u;
  h ^= h >> 15;
  return static_cast<std::uint16_t>(h & 0xFFFFu);
}

std::vector<std::uint8_t> referenceGray(const core::Image& image, const core::DisplaySettings& settings)
{
  // One displayValue per possible sample keeps multi-megapixel references fast.
  std::vector<std::uint8_t> lookup(65536);
  for (std::size_t sample = 0; sample < lookup.size(); ++sample) {
    const double value =
        core::displayValue(image.modalityValue(static_cast<std::uint16_t>(sample)), image.photometric, settings);
    lookup[sample] = static_cast<std::uint8_t>(std::lround(std::clamp(value, 0.0, 1.0) * 255.0));
  }
  std::vector<std::uint8_t> gray(image.pixels.size());
  std::transform(image.pixels.begin(), image.pixels.end(), gray.begin(),
                 [&lookup](std::uint16_t sample) { return lookup[sample]; });
  return gray;
}

std::string compareGray(const std::vector<std::uint8_t>& actual, const std::vector<std::uint8_t>& expected,
                        int width, int tolerance)
{
  if (actual.size() != expected.size()) {
    return "size " + std::to_string(actual.size()) + " differs from expected " + std::to_string(expected.size());
  }
  std::size_t differing = 0;
  std::string first;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (std::abs(int(actual[i]) - int(expected[i])) > tolerance) {
      if (differing == 0) {
        first = "(" + std::to_string(i % width) + ", " + std::to_string(i / width) + "): actual " +
                std::to_string(actual[i]) + ", expected " + std::to_string(expected[i]);
      }
      ++differing;
    }
  }
  if (differing == 0) {
    return {};
  }
  return std::to_string(differing) + " of " + std::to_string(actual.size()) + " pixels differ by more than " +
         std::to_string(tolerance) + ", first at " + first;
}

OffscreenTarget::OffscreenTarget(int width, int height)
    : m_width(width),
      m_height(height),
      m_color(render::Renderbuffer::create()),
      m_framebuffer(render::Framebuffer::create())
{
  glBindRenderbuffer(GL_RENDERBUFFER, m_color.id());
  glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, width, height);
  glBindFramebuffer(GL_FRAMEBUFFER, m_framebuffer.id());
  glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, m_color.id());
  if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
    throw std::runtime_error("test framebuffer is incomplete");
  }
  glClearColor(0.0f, 0.0f, 0.0f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
}

OffscreenTarget::~OffscreenTarget() { glBindFramebuffer(GL_FRAMEBUFFER, 0); }

std::vector<std::uint8_t> OffscreenTarget::readRed() const
{
  std::vector<std::uint8_t> bottomUp(static_cast<std::size_t>(m_width) * m_height);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, m_width, m_height, GL_RED, GL_UNSIGNED_BYTE, bottomUp.data());
  std::vector<std::uint8_t> topDown(bottomUp.size());
  for (int row = 0; row < m_height; ++row) {
    std::copy_n(bottomUp.begin() + static_cast<std::ptrdiff_t>(m_height - 1 - row) * m_width, m_width,
                topDown.begin() + static_cast<std::ptrdiff_t>(row) * m_width);
  }
  return topDown;
}

}  // namespace spinemark::testing
