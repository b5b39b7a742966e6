#include "render/image_renderer.h"

#include "core/image.h"
#include "core/window_level.h"
#include "render/gl_test_context.h"
#include "render/render_command.h"
#include "render/render_test_support.h"
#include "support/test_data.h"

#include <gtest/gtest.h>
#include <stb_image.h>

#include <numeric>
#include <string>

namespace spinemark::render {
namespace {

using testing::compareGray;
using testing::GlTest;
using testing::referenceGray;

constexpr int Tolerance = 1;

class RealImageTest : public GlTest {
 protected:
  void SetUp() override
  {
    GlTest::SetUp();
    if (IsSkipped()) {
      return;
    }
    m_dataDir = testing::sharedDataDir();
    if (m_dataDir.empty()) {
      GTEST_SKIP() << "shared test data folder not found; set SPINEMARK_SHARED_DATA";
    }
  }

  std::filesystem::path dataFile(const char* relative) const { return m_dataDir / relative; }

 private:
  std::filesystem::path m_dataDir;
};

// Mean of the gray values inside a rectangle given as fractions of the image size.
double regionMean(const std::vector<std::uint8_t>& gray, int width, int height, double left, double top,
                  double right, double bottom)
{
  double sum = 0.0;
  std::size_t count = 0;
  for (int y = static_cast<int>(top * height); y < static_cast<int>(bottom * height); ++y) {
    for (int x = static_cast<int>(left * width); x < static_cast<int>(right * width); ++x) {
      sum += gray[static_cast<std::size_t>(y) * width + x];
      ++count;
    }
  }
  return sum / static_cast<double>(count);
}

TEST_F(RealImageTest, HipDefaultWindowMatchesReference)
{
  const core::Image image = core::loadImage(dataFile("dicom/RG2_UNC"));
  core::DisplaySettings settings;
  settings.window = image.defaultWindow;
  EXPECT_EQ(compareGray(renderNativeSize(image, settings), referenceGray(image, settings), image.width, Tolerance),
            "");
}

TEST_F(RealImageTest, SpineJpegLsMatchesReference)
{
  const core::Image image = core::loadImage(dataFile("dicom/SPINE-DX-162A-JLSL.dcm"));
  core::DisplaySettings settings;
  settings.window = image.defaultWindow;
  EXPECT_EQ(compareGray(renderNativeSize(image, settings), referenceGray(image, settings), image.width, Tolerance),
            "");
}

TEST_F(RealImageTest, Monochrome1ChestShowsBoneBright)
{
  const core::Image image = core::loadImage(dataFile("dicom/CR-MONO1-10-chest"));
  ASSERT_EQ(image.photometric, core::Photometric::Monochrome1);
  core::DisplaySettings settings;
  settings.window = image.defaultWindow;
  const std::vector<std::uint8_t> gray = renderNativeSize(image, settings);
  EXPECT_EQ(compareGray(gray, referenceGray(image, settings), image.width, Tolerance), "");

  // In a PA chest the mediastinum and spine (centre strip) attenuate more than the air-filled
  // lungs on either side, so with bone shown bright the centre is brighter than both lungs.
  const double centre = regionMean(gray, image.width, image.height, 0.45, 0.3, 0.55, 0.6);
  const double rightLung = regionMean(gray, image.width, image.height, 0.2, 0.3, 0.3, 0.6);
  const double leftLung = regionMean(gray, image.width, image.height, 0.7, 0.3, 0.8, 0.6);
  EXPECT_GT(centre, rightLung);
  EXPECT_GT(centre, leftLung);
}

using RenderCommandTest = RealImageTest;

TEST_F(RenderCommandTest, WritesPngWithGivenWindow)
{
  const auto input = dataFile("dicom/RG2_UNC");
  const auto output = testing::makeScratchDir("render-command") / "hip.png";
  const core::Window window{600.0, 800.0};
  ASSERT_EQ(runRenderCommand(input, output, window), 0);

  int width = 0;
  int height = 0;
  int channels = 0;
  stbi_uc* decoded = stbi_load(output.c_str(), &width, &height, &channels, 1);
  ASSERT_NE(decoded, nullptr) << stbi_failure_reason();
  const std::vector<std::uint8_t> written(decoded, decoded + static_cast<std::size_t>(width) * height);
  stbi_image_free(decoded);

  const core::Image image = core::loadImage(input);
  ASSERT_EQ(width, image.width);
  ASSERT_EQ(height, image.height);
  core::DisplaySettings settings;
  settings.window = window;
  EXPECT_EQ(compareGray(written, referenceGray(image, settings), image.width, Tolerance), "");
}

TEST_F(RenderCommandTest, MissingImageFails)
{
  const auto output = testing::makeScratchDir("render-command") / "none.png";
  EXPECT_EQ(runRenderCommand(dataFile("dicom/does-not-exist"), output, std::nullopt), 1);
  EXPECT_FALSE(std::filesystem::exists(output));
}

TEST_F(RenderCommandTest, InvalidWindowFails)
{
  const auto output = testing::makeScratchDir("render-command") / "none.png";
  EXPECT_EQ(runRenderCommand(dataFile("dicom/RG2_UNC"), output, core::Window{100.0, 0.0}), 1);
  EXPECT_FALSE(std::filesystem::exists(output));
}

}  // namespace
}  // namespace spinemark::render
