// Window/level reference math. The linear VOI function follows DICOM PS3.3 C.11.2.1.2.1.
#include "core/window_level.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace spinemark::core {

namespace {

constexpr double MaxSample = 65535.0;

// Window whose linear part maps lowValue to 0 and highValue to 1 under PS3.3 C.11.2.1.2.1:
// the ramp runs from c - 0.5 - (w - 1) / 2 to c - 0.5 + (w - 1) / 2.
Window windowBetween(double lowValue, double highValue)
{
  Window window;
  window.width = highValue - lowValue + 1.0;
  window.center = (lowValue + highValue) / 2.0 + 0.5;
  return window;
}

// One bin per possible sample, kept on the heap because loader threads may have small stacks.
std::vector<std::size_t> sampleHistogram(const Image& image)
{
  std::vector<std::size_t> histogram(65536, 0);
  for (const std::uint16_t sample : image.pixels) {
    ++histogram[sample];
  }
  return histogram;
}

// Smallest sample whose cumulative count exceeds rank (0-based rank into the sorted samples).
std::uint16_t sampleAtRank(const std::vector<std::size_t>& histogram, std::size_t rank)
{
  std::size_t cumulative = 0;
  for (std::size_t sample = 0; sample < histogram.size(); ++sample) {
    cumulative += histogram[sample];
    if (cumulative > rank) {
      return static_cast<std::uint16_t>(sample);
    }
  }
  return static_cast<std::uint16_t>(histogram.size() - 1);
}

// A window of width <= 1 is a threshold: 1 above c - 0.5, else 0. On integer samples a ramp of
// one sample reproduces it exactly, from the last sample that maps to 0 to the next one.
ShaderWindow thresholdShaderWindow(const Image& image, const Window& window)
{
  ShaderWindow result;
  const double thresholdSample = (window.center - 0.5 - image.valueOffset) / image.valueScale;
  if (image.valueScale > 0.0) {
    // Samples <= floor(threshold) map to 0.
    result.slope = static_cast<float>(MaxSample);
    result.intercept = static_cast<float>(-std::floor(thresholdSample));
  } else {
    // A negative scale reverses the order: samples >= ceil(threshold) map to 0.
    result.slope = static_cast<float>(-MaxSample);
    result.intercept = static_cast<float>(std::ceil(thresholdSample));
  }
  return result;
}

}  // namespace

double applyWindow(double modalityValue, const Window& window)
{
  const double width = std::max(window.width, 1.0);
  const double center = window.center - 0.5;
  const double halfRamp = (width - 1.0) / 2.0;
  if (modalityValue <= center - halfRamp) {
    return 0.0;
  }
  if (modalityValue > center + halfRamp) {
    return 1.0;
  }
  // Only reached for width > 1, because with width 1 both tests above cover every value.
  return (modalityValue - center) / (width - 1.0) + 0.5;
}

double displayValue(double modalityValue, Photometric photometric, const DisplaySettings& settings)
{
  double value = applyWindow(modalityValue, settings.window);
  if (photometric == Photometric::Monochrome1) {
    value = 1.0 - value;
  }
  if (settings.invert) {
    value = 1.0 - value;
  }
  // A gamma that is not positive and finite is treated as 1 (no correction).
  if (settings.gamma > 0.0 && std::isfinite(settings.gamma) && settings.gamma != 1.0) {
    value = std::pow(value, 1.0 / settings.gamma);
  }
  return value;
}

ShaderWindow shaderWindow(const Image& image, const Window& window)
{
  if (image.valueScale == 0.0) {
    // Every sample is the same modality value, so the output is a constant.
    return ShaderWindow{0.0f, static_cast<float>(applyWindow(image.valueOffset, window))};
  }
  if (window.width <= 1.0) {
    return thresholdShaderWindow(image, window);
  }
  // modality = t * 65535 * valueScale + valueOffset, substituted into the linear part of
  // applyWindow: (modality - (c - 0.5)) / (w - 1) + 0.5.
  const double widthMinusOne = window.width - 1.0;
  ShaderWindow result;
  result.slope = static_cast<float>(MaxSample * image.valueScale / widthMinusOne);
  result.intercept = static_cast<float>((image.valueOffset - (window.center - 0.5)) / widthMinusOne + 0.5);
  return result;
}

Window histogramWindow(const Image& image)
{
  if (image.pixels.empty()) {
    return fullRangeWindow(image);
  }
  const auto histogram = sampleHistogram(image);
  const std::size_t count = image.pixels.size();
  // 0.5th and 99.5th percentiles as ranks into the sorted samples.
  const auto lowRank = static_cast<std::size_t>(std::floor(0.005 * static_cast<double>(count - 1)));
  const auto highRank = static_cast<std::size_t>(std::ceil(0.995 * static_cast<double>(count - 1)));
  const double first = image.modalityValue(sampleAtRank(histogram, lowRank));
  const double second = image.modalityValue(sampleAtRank(histogram, highRank));
  return windowBetween(std::min(first, second), std::max(first, second));
}

Window fullRangeWindow(const Image& image)
{
  return windowBetween(image.minValue, image.maxValue);
}

}  // namespace spinemark::core
