#include "core/window_level.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace spinemark::core {
namespace {

Image imageWithSamples(std::vector<std::uint16_t> samples, double scale = 1.0, double offset = 0.0)
{
  Image image;
  image.width = static_cast<int>(samples.size());
  image.height = 1;
  image.pixels = std::move(samples);
  image.valueScale = scale;
  image.valueOffset = offset;
  const auto [low, high] = std::minmax_element(image.pixels.begin(), image.pixels.end());
  image.minValue = std::min(image.modalityValue(*low), image.modalityValue(*high));
  image.maxValue = std::max(image.modalityValue(*low), image.modalityValue(*high));
  return image;
}

double shaderOutput(const ShaderWindow& coefficients, std::uint16_t sample)
{
  const double t = sample / 65535.0;
  return std::clamp(t * coefficients.slope + coefficients.intercept, 0.0, 1.0);
}

// Hand-computed from PS3.3 C.11.2.1.2.1 with c = 40, w = 400: the ramp runs from
// c - 0.5 - (w - 1) / 2 = -160 to c - 0.5 + (w - 1) / 2 = 239.
TEST(ApplyWindow, LinearFunctionOfStandard)
{
  const Window window{40.0, 400.0};
  EXPECT_DOUBLE_EQ(applyWindow(-160.5, window), 0.0);
  EXPECT_DOUBLE_EQ(applyWindow(-160.0, window), 0.0);
  EXPECT_DOUBLE_EQ(applyWindow(39.5, window), 0.5);
  EXPECT_NEAR(applyWindow(0.0, window), (0.0 - 39.5) / 399.0 + 0.5, 1e-15);
  EXPECT_DOUBLE_EQ(applyWindow(239.0, window), 1.0);
  EXPECT_DOUBLE_EQ(applyWindow(239.5, window), 1.0);
  EXPECT_DOUBLE_EQ(applyWindow(5000.0, window), 1.0);
}

TEST(ApplyWindow, WidthOneIsThreshold)
{
  const Window window{100.0, 1.0};
  EXPECT_DOUBLE_EQ(applyWindow(99.5, window), 0.0);
  EXPECT_DOUBLE_EQ(applyWindow(99.6, window), 1.0);
  EXPECT_DOUBLE_EQ(applyWindow(-1e6, window), 0.0);
}

TEST(ApplyWindow, WidthBelowOneIsThreshold)
{
  const Window window{100.0, 0.25};
  EXPECT_DOUBLE_EQ(applyWindow(99.5, window), 0.0);
  EXPECT_DOUBLE_EQ(applyWindow(99.51, window), 1.0);
}

TEST(ApplyWindow, EightBitFullRangeIsIdentity)
{
  const Window window{128.0, 256.0};
  for (int value = 0; value <= 255; ++value) {
    EXPECT_NEAR(applyWindow(value, window), value / 255.0, 1e-12) << "value " << value;
  }
}

TEST(DisplayValue, Monochrome1InvertsAfterWindow)
{
  DisplaySettings settings;
  settings.window = Window{40.0, 400.0};
  // Below the window: black for MONOCHROME2, white for MONOCHROME1.
  EXPECT_DOUBLE_EQ(displayValue(-500.0, Photometric::Monochrome2, settings), 0.0);
  EXPECT_DOUBLE_EQ(displayValue(-500.0, Photometric::Monochrome1, settings), 1.0);
  EXPECT_NEAR(displayValue(0.0, Photometric::Monochrome1, settings), 1.0 - ((0.0 - 39.5) / 399.0 + 0.5), 1e-15);
}

TEST(DisplayValue, UserInvertAfterMonochrome1)
{
  DisplaySettings settings;
  settings.window = Window{40.0, 400.0};
  settings.invert = true;
  EXPECT_DOUBLE_EQ(displayValue(-500.0, Photometric::Monochrome1, settings), 0.0);
  EXPECT_DOUBLE_EQ(displayValue(-500.0, Photometric::Monochrome2, settings), 1.0);
}

TEST(DisplayValue, GammaAppliedLast)
{
  DisplaySettings settings;
  // Ramp from -2 to 2: -1 maps to 0.25.
  settings.window = Window{0.5, 5.0};
  settings.gamma = 2.0;
  EXPECT_DOUBLE_EQ(applyWindow(-1.0, settings.window), 0.25);
  EXPECT_DOUBLE_EQ(displayValue(-1.0, Photometric::Monochrome2, settings), 0.5);
  // MONOCHROME1 turns 0.25 into 0.75 before gamma.
  EXPECT_DOUBLE_EQ(displayValue(-1.0, Photometric::Monochrome1, settings), std::sqrt(0.75));
}

struct ShaderCase {
  double scale;
  double offset;
  Window window;
};

TEST(ShaderWindow, MatchesApplyWindow)
{
  const ShaderCase cases[] = {
      {1.0, 0.0, {511.0, 1024.0}},          {1.0, -1024.0, {40.0, 400.0}},
      {0.5, -10.25, {100.0, 300.0}},        {3.774114, 0.000061, {1000.0, 2000.0}},
      {1.0, 0.0, {15000.0, 30000.0}},       {1.0, -1024.0, {-500.0, 3.0}},
      {-2.0, 100.0, {-20000.0, 60000.0}},   {1.0, 0.0, {32768.0, 2.0}},
  };
  for (const ShaderCase& shaderCase : cases) {
    Image image = imageWithSamples({0, 65535}, shaderCase.scale, shaderCase.offset);
    const ShaderWindow coefficients = shaderWindow(image, shaderCase.window);
    double worst = 0.0;
    for (int sample = 0; sample <= 65535; sample += 3) {
      const auto stored = static_cast<std::uint16_t>(sample);
      const double expected = applyWindow(image.modalityValue(stored), shaderCase.window);
      worst = std::max(worst, std::abs(shaderOutput(coefficients, stored) - expected));
    }
    EXPECT_LT(worst, 1e-4) << "scale " << shaderCase.scale << " offset " << shaderCase.offset << " window "
                           << shaderCase.window.center << "/" << shaderCase.window.width;
  }
}

TEST(ShaderWindow, ThresholdOnIntegerSamples)
{
  Image image = imageWithSamples({0, 65535}, 1.0, 0.0);
  const Window window{100.0, 1.0};
  const ShaderWindow coefficients = shaderWindow(image, window);
  for (std::uint16_t sample : {0, 98, 99, 100, 101, 65535}) {
    EXPECT_NEAR(shaderOutput(coefficients, sample), applyWindow(sample, window), 1e-4) << "sample " << sample;
  }
}

TEST(ShaderWindow, ThresholdWithNegativeScale)
{
  Image image = imageWithSamples({0, 65535}, -1.0, 1000.0);
  const Window window{500.0, 1.0};
  const ShaderWindow coefficients = shaderWindow(image, window);
  for (std::uint16_t sample : {0, 499, 500, 501, 65535}) {
    EXPECT_NEAR(shaderOutput(coefficients, sample), applyWindow(image.modalityValue(sample), window), 1e-4)
        << "sample " << sample;
  }
}

TEST(HistogramWindow, SpansPercentiles)
{
  std::vector<std::uint16_t> samples(1000);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    samples[i] = static_cast<std::uint16_t>(i);
  }
  const Image image = imageWithSamples(samples);
  const Window window = histogramWindow(image);
  // Ranks floor(0.005 * 999) = 4 and ceil(0.995 * 999) = 995.
  EXPECT_DOUBLE_EQ(applyWindow(4.0, window), 0.0);
  EXPECT_GT(applyWindow(5.0, window), 0.0);
  EXPECT_DOUBLE_EQ(applyWindow(995.0, window), 1.0);
  EXPECT_LT(applyWindow(994.0, window), 1.0);
}

TEST(HistogramWindow, IgnoresRareOutliers)
{
  std::vector<std::uint16_t> samples;
  for (int i = 0; i < 10000; ++i) {
    samples.push_back(static_cast<std::uint16_t>(100 + i % 100));
  }
  samples.insert(samples.end(), 10, 60000);
  const Image image = imageWithSamples(samples, 0.5, -20.0);
  const Window window = histogramWindow(image);
  EXPECT_DOUBLE_EQ(applyWindow(image.modalityValue(100), window), 0.0);
  EXPECT_DOUBLE_EQ(applyWindow(image.modalityValue(199), window), 1.0);
  EXPECT_LT(applyWindow(image.modalityValue(198), window), 1.0);
}

TEST(FullRangeWindow, SpansMinToMax)
{
  const Image image = imageWithSamples({0, 500, 4095}, 1.0, -1024.0);
  const Window window = fullRangeWindow(image);
  EXPECT_DOUBLE_EQ(applyWindow(-1024.0, window), 0.0);
  EXPECT_DOUBLE_EQ(applyWindow(3071.0, window), 1.0);
  EXPECT_GT(applyWindow(-1023.0, window), 0.0);
  EXPECT_LT(applyWindow(3070.0, window), 1.0);
}

}  // namespace
}  // namespace spinemark::core
