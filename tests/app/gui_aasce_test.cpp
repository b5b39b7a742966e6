// GUI test on a real radiograph: place L5 and L4 by script at the AASCE ground-truth corners
// (midpoints taken as the corners' mean), reopen, and compare the exported CSV.
#include "app/gui_harness.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

namespace {

using spinemark::testing::readRgbPng;
using spinemark::testing::runSpinemark;
using spinemark::testing::writeText;

constexpr const char* ImageName = "sunhl-1th-02-Jan-2017-162 A AP.jpg";

struct Corner {
  double x = 0;
  double y = 0;
};

// Reads "image,width,height,vertebra,corner,x,y" rows of one image: corners[vertebra][corner].
std::map<std::string, std::map<std::string, Corner>> readCorners(const std::filesystem::path& csv,
                                                                 const std::string& image)
{
  std::map<std::string, std::map<std::string, Corner>> corners;
  std::ifstream file(csv);
  std::string line;
  std::getline(file, line);
  while (std::getline(file, line)) {
    if (line.rfind(image + ",", 0) != 0) {
      continue;
    }
    std::vector<std::string> fields;
    std::stringstream stream(line.substr(image.size() + 1));
    std::string field;
    while (std::getline(stream, field, ',')) {
      fields.push_back(field);
    }
    corners[fields[2]][fields[3]] = {std::stod(fields[4]), std::stod(fields[5])};
  }
  return corners;
}

Corner mean(Corner a, Corner b) { return {(a.x + b.x) / 2.0, (a.y + b.y) / 2.0}; }

struct ExpectedPoint {
  std::string vertebra;
  std::string landmark;
  Corner position;
};

// Placement order is the image's left corner, middle, right corner of the superior endplate, then the
// same of the inferior one. On an AP view with the patient's right on the image's left (the default),
// the image-left corner is the patient's right.
std::vector<ExpectedPoint> placementOrder(const std::map<std::string, Corner>& c, const std::string& vertebra)
{
  return {
      {vertebra, "superior_right", c.at("superior_left")},
      {vertebra, "superior_middle", mean(c.at("superior_left"), c.at("superior_right"))},
      {vertebra, "superior_left", c.at("superior_right")},
      {vertebra, "inferior_right", c.at("inferior_left")},
      {vertebra, "inferior_middle", mean(c.at("inferior_left"), c.at("inferior_right"))},
      {vertebra, "inferior_left", c.at("inferior_right")},
  };
}

std::map<std::string, Corner> parseExport(const std::string& csv)
{
  std::map<std::string, Corner> rows;
  std::stringstream stream(csv);
  std::string line;
  std::getline(stream, line);
  EXPECT_EQ(line, "image,vertebra,landmark,x,y");
  while (std::getline(stream, line)) {
    // The image name contains no comma, so the last four fields are split from the right.
    std::vector<std::string> fields;
    std::size_t end = line.size();
    for (int i = 0; i < 4; ++i) {
      const auto comma = line.rfind(',', end - 1);
      fields.insert(fields.begin(), line.substr(comma + 1, end - comma - 1));
      end = comma;
    }
    EXPECT_EQ(line.substr(0, end), ImageName);
    rows[fields[0] + "/" + fields[1]] = {std::stod(fields[2]), std::stod(fields[3])};
  }
  return rows;
}

TEST(GuiAasce, PlacesL5AndL4AtGroundTruth)
{
  const auto shared = spinemark::testing::sharedDataDir();
  if (shared.empty()) {
    GTEST_SKIP() << "shared radiographs not available";
  }
  if (!spinemark::testing::haveDisplay()) {
    GTEST_SKIP() << "no X display";
  }
  const auto imagesDir = shared / "aasce" / "images";
  const auto corners = readCorners(shared / "aasce" / "corners-px.csv", ImageName);
  ASSERT_TRUE(corners.count("L5"));
  ASSERT_TRUE(corners.count("L4"));

  auto expected = placementOrder(corners.at("L5"), "L5");
  const auto l4 = placementOrder(corners.at("L4"), "L4");
  expected.insert(expected.end(), l4.begin(), l4.end());

  const auto scratch = spinemark::testing::makeScratchDir("gui-aasce");
  const auto annotations = scratch / "annotations";
  std::string script = "wait 2\n";
  for (const auto& point : expected) {
    std::ostringstream line;
    line.precision(17);
    line << "click " << point.position.x << " " << point.position.y << "\n";
    script += line.str();
  }
  script += "wait 2\nscreenshot " + (scratch / "placed.png").string() + "\nquit\n";
  writeText(scratch / "place.txt", script);

  const auto image = (imagesDir / ImageName).string();
  const auto placed = runSpinemark({image, "--annotations", annotations.string(), "--user", "tester", "--script",
                                    (scratch / "place.txt").string(), "--window-size", "1200x900"});
  ASSERT_EQ(placed.exitCode, 0) << placed.output;
  const auto annotationFile = annotations / (std::string(ImageName) + ".json");
  ASSERT_TRUE(std::filesystem::exists(annotationFile)) << placed.output;

  // Reopening and looking must not rewrite the file.
  const auto writtenAt = std::filesystem::last_write_time(annotationFile);
  writeText(scratch / "look.txt", "wait 5\nquit\n");
  const auto reopened = runSpinemark({image, "--annotations", annotations.string(), "--user", "reviewer",
                                      "--script", (scratch / "look.txt").string(), "--window-size", "1200x900"});
  ASSERT_EQ(reopened.exitCode, 0) << reopened.output;
  EXPECT_EQ(std::filesystem::last_write_time(annotationFile), writtenAt);

  const auto exported =
      runSpinemark({"export", "--format", "csv", imagesDir.string(), "--annotations", annotations.string()});
  ASSERT_EQ(exported.exitCode, 0) << exported.output;
  const auto rows = parseExport(exported.stdoutText);
  ASSERT_EQ(rows.size(), expected.size()) << exported.stdoutText;
  for (const auto& point : expected) {
    const auto key = point.vertebra + "/" + point.landmark;
    ASSERT_TRUE(rows.count(key)) << key << " missing from\n" << exported.stdoutText;
    EXPECT_NEAR(rows.at(key).x, point.position.x, 0.05) << key;
    EXPECT_NEAR(rows.at(key).y, point.position.y, 0.05) << key;
  }

  // The screenshot shows the radiograph (many gray levels) and the landmark handles.
  const auto shot = readRgbPng(scratch / "placed.png");
  std::vector<bool> grayLevels(256, false);
  for (int y = 0; y < shot.height; y += 2) {
    for (int x = shot.width / 2; x < shot.width; x += 2) {
      const auto* pixel = shot.at(x, y);
      if (pixel[0] == pixel[1] && pixel[1] == pixel[2]) {
        grayLevels[pixel[0]] = true;
      }
    }
  }
  EXPECT_GT(std::count(grayLevels.begin(), grayLevels.end(), true), 100);
  EXPECT_GT(spinemark::testing::countColor(shot, 0, 220, 255, 10), 6 * 10) << "superior handles not visible";
  EXPECT_GT(spinemark::testing::countColor(shot, 255, 150, 0, 10), 6 * 10) << "inferior handles not visible";
}

}  // namespace
