#include "core/phantom.h"

#include "core/image.h"
#include "core/workspace.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace spinemark::core {
namespace {

namespace fs = std::filesystem;

// Bone (cancellous 2300, cortical 3300) and everything else (at most about 1700) are separated
// by more than ten noise standard deviations (30) from this threshold.
constexpr int BoneThreshold = 2000;

PhantomOptions smallOptions(View view, unsigned seed)
{
  PhantomOptions options;
  options.width = 300;
  options.height = 520;
  options.view = view;
  options.vertebraCount = 5;
  options.seed = seed;
  return options;
}

Point pointOf(const Vertebra& vertebra, Slot slot)
{
  const auto& point = vertebra.points[static_cast<std::size_t>(slot)];
  EXPECT_TRUE(point.has_value());
  return point.value_or(Point{});
}

// Corners in clockwise screen order (y down): superior first, superior second, inferior second,
// inferior first.
std::vector<Point> cornersOf(const Vertebra& vertebra)
{
  return {pointOf(vertebra, Slot::SuperiorFirst), pointOf(vertebra, Slot::SuperiorSecond),
          pointOf(vertebra, Slot::InferiorSecond), pointOf(vertebra, Slot::InferiorFirst)};
}

// Smallest signed distance from p to the quadrilateral's edges: positive inside.
double insideDistance(const std::vector<Point>& corners, Point p)
{
  double nearest = 1e300;
  for (std::size_t i = 0; i < corners.size(); ++i) {
    const Point a = corners[i];
    const Point b = corners[(i + 1) % corners.size()];
    const double ex = b.x - a.x;
    const double ey = b.y - a.y;
    nearest = std::min(nearest, (ex * (p.y - a.y) - ey * (p.x - a.x)) / std::hypot(ex, ey));
  }
  return nearest;
}

int sampleAt(const Phantom& phantom, Point p)
{
  const int x = static_cast<int>(std::floor(p.x));
  const int y = static_cast<int>(std::floor(p.y));
  return phantom.pixels[static_cast<std::size_t>(y) * phantom.width + x];
}

std::string readBytes(const fs::path& path)
{
  std::ifstream stream(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(stream), {});
}

void expectBodiesMatchTruth(const Phantom& phantom)
{
  for (const auto& [level, vertebra] : phantom.truth) {
    const std::vector<Point> corners = cornersOf(vertebra);
    int mismatches = 0;
    for (int y = 0; y < phantom.height; ++y) {
      for (int x = 0; x < phantom.width; ++x) {
        const Point centre{x + 0.5, y + 0.5};
        const double distance = insideDistance(corners, centre);
        // Only pixels near this body count, because pixels farther out may belong to a neighbour.
        if (distance < -3.0) continue;
        const bool bone = phantom.pixels[static_cast<std::size_t>(y) * phantom.width + x] > BoneThreshold;
        if (distance > 1e-9 && !bone) ++mismatches;
        if (distance < -1e-9 && bone) ++mismatches;
      }
    }
    EXPECT_EQ(mismatches, 0) << "pixels disagreeing with the truth quadrilateral of " << levelName(level);
  }
}

void expectCornersOnEdges(const Phantom& phantom)
{
  for (const auto& [level, vertebra] : phantom.truth) {
    const std::vector<Point> corners = cornersOf(vertebra);
    Point centre{};
    for (const Point& corner : corners) centre = {centre.x + corner.x / 4.0, centre.y + corner.y / 4.0};
    for (const Point& corner : corners) {
      const double length = std::hypot(centre.x - corner.x, centre.y - corner.y);
      const Point step{(centre.x - corner.x) / length * 1.5, (centre.y - corner.y) / length * 1.5};
      const int inside = sampleAt(phantom, {corner.x + step.x, corner.y + step.y});
      const int outside = sampleAt(phantom, {corner.x - step.x, corner.y - step.y});
      EXPECT_GT(inside, BoneThreshold) << levelName(level) << " corner " << corner.x << "," << corner.y;
      EXPECT_LT(outside, BoneThreshold) << levelName(level) << " corner " << corner.x << "," << corner.y;
    }
  }
}

TEST(Phantom, LateralBodiesMatchTruth)
{
  const Phantom phantom = makePhantom(smallOptions(View::Lateral, 7));
  expectBodiesMatchTruth(phantom);
  expectCornersOnEdges(phantom);
}

TEST(Phantom, ApBodiesMatchTruth)
{
  const Phantom phantom = makePhantom(smallOptions(View::AP, 8));
  expectBodiesMatchTruth(phantom);
  expectCornersOnEdges(phantom);
}

TEST(Phantom, TruthHasSixLandmarksFromL5Up)
{
  const Phantom phantom = makePhantom(smallOptions(View::Lateral, 3));

  const std::vector<Level> expectedLevels = {Level::L5, Level::L4, Level::L3, Level::L2, Level::L1};
  std::vector<Level> levels;
  for (const auto& [level, vertebra] : phantom.truth) {
    levels.push_back(level);
    EXPECT_TRUE(vertebra.complete()) << levelName(level);
    const Point first = pointOf(vertebra, Slot::SuperiorFirst);
    const Point second = pointOf(vertebra, Slot::SuperiorSecond);
    const Point middle = pointOf(vertebra, Slot::SuperiorMiddle);
    EXPECT_DOUBLE_EQ(middle.x, (first.x + second.x) / 2.0);
    EXPECT_DOUBLE_EQ(middle.y, (first.y + second.y) / 2.0);
    const Point lowerFirst = pointOf(vertebra, Slot::InferiorFirst);
    const Point lowerSecond = pointOf(vertebra, Slot::InferiorSecond);
    const Point lowerMiddle = pointOf(vertebra, Slot::InferiorMiddle);
    EXPECT_DOUBLE_EQ(lowerMiddle.x, (lowerFirst.x + lowerSecond.x) / 2.0);
    EXPECT_DOUBLE_EQ(lowerMiddle.y, (lowerFirst.y + lowerSecond.y) / 2.0);
    EXPECT_LT(first.x, second.x) << "first is the corner on the image's left";
    EXPECT_LT(first.y, lowerFirst.y) << "superior is above inferior";
  }
  EXPECT_EQ(levels, expectedLevels);

  // L5 is lowest, and each vertebra lies entirely above the one below it.
  for (std::size_t i = 0; i + 1 < levels.size(); ++i) {
    const Vertebra& lower = phantom.truth.at(levels[i]);
    const Vertebra& upper = phantom.truth.at(levels[i + 1]);
    EXPECT_LT(pointOf(upper, Slot::InferiorMiddle).y, pointOf(lower, Slot::SuperiorMiddle).y);
  }
}

TEST(Phantom, ShapesFollowView)
{
  for (const View view : {View::Lateral, View::AP}) {
    const Phantom phantom = makePhantom(smallOptions(view, 11));
    double lowestWidth = 0.0;
    double highestWidth = 0.0;
    for (const auto& [level, vertebra] : phantom.truth) {
      const Point superior = pointOf(vertebra, Slot::SuperiorMiddle);
      const Point inferior = pointOf(vertebra, Slot::InferiorMiddle);
      const Point first = pointOf(vertebra, Slot::SuperiorFirst);
      const Point second = pointOf(vertebra, Slot::SuperiorSecond);
      const double height = std::hypot(superior.x - inferior.x, superior.y - inferior.y);
      const double width = std::hypot(second.x - first.x, second.y - first.y);
      if (view == View::Lateral) {
        EXPECT_GE(height / width, 0.75) << levelName(level);
        EXPECT_LE(height / width, 1.05) << levelName(level);
      } else {
        EXPECT_LT(height / width, 0.8) << levelName(level);
      }
      if (level == Level::L5) lowestWidth = width;
      highestWidth = width;
    }
    EXPECT_GT(lowestWidth, highestWidth) << "widths increase caudally in " << viewName(view);
    EXPECT_EQ(phantom.orientation.view, view);
    EXPECT_TRUE(phantom.orientation.firstSideIsRightOrAnterior);
    EXPECT_EQ(phantom.orientation.source, Orientation::Source::Default);
  }
}

TEST(Phantom, SameSeedGivesSamePixels)
{
  const Phantom first = makePhantom(smallOptions(View::Lateral, 5));
  const Phantom second = makePhantom(smallOptions(View::Lateral, 5));
  const Phantom other = makePhantom(smallOptions(View::Lateral, 6));

  EXPECT_EQ(first.pixels, second.pixels);
  EXPECT_EQ(first.truth, second.truth);
  EXPECT_NE(first.pixels, other.pixels);
  EXPECT_NE(first.truth, other.truth);
  EXPECT_LE(*std::max_element(first.pixels.begin(), first.pixels.end()), 4095);
}

TEST(Phantom, RejectsInvalidOptions)
{
  PhantomOptions options = smallOptions(View::AP, 1);
  options.vertebraCount = 0;
  EXPECT_THROW(makePhantom(options), std::invalid_argument);
  options.vertebraCount = 18;  // L5 to T1 is 17 levels
  EXPECT_THROW(makePhantom(options), std::invalid_argument);
  options.vertebraCount = 17;
  EXPECT_NO_THROW(makePhantom(options));
  options.width = 10;
  EXPECT_THROW(makePhantom(options), std::invalid_argument);
}

TEST(Phantom, DicomRoundTripsThroughLoader)
{
  const fs::path scratch = testing::makeScratchDir("phantom-dicom");
  const Phantom phantom = makePhantom(smallOptions(View::Lateral, 9));
  const fs::path path = scratch / "phantom";  // no extension: detected by content
  writePhantomDicom(phantom, path, 0.2);

  const Image image = loadImage(path);

  EXPECT_EQ(image.format, ImageFormat::Dicom);
  EXPECT_EQ(image.width, phantom.width);
  EXPECT_EQ(image.height, phantom.height);
  EXPECT_EQ(image.photometric, Photometric::Monochrome2);
  EXPECT_EQ(image.bitsStored, 12);
  EXPECT_TRUE(image.spacing.known());
  EXPECT_DOUBLE_EQ(image.spacing.rowMm, 0.2);
  EXPECT_DOUBLE_EQ(image.spacing.columnMm, 0.2);
  EXPECT_EQ(image.orientation.view, ViewPosition::Lateral);
  EXPECT_EQ(image.orientation.rowDirection, "P");
  EXPECT_TRUE(image.headerWindow.has_value());
  EXPECT_FALSE(image.sopInstanceUid.empty());
  ASSERT_EQ(image.pixels.size(), phantom.pixels.size());
  int differing = 0;
  for (std::size_t i = 0; i < phantom.pixels.size(); ++i) {
    if (image.modalityValue(image.pixels[i]) != phantom.pixels[i]) ++differing;
  }
  EXPECT_EQ(differing, 0);
  fs::remove_all(scratch);
}

TEST(Phantom, PatientNameDoesNotReachImage)
{
  const fs::path scratch = testing::makeScratchDir("phantom-name");
  const fs::path path = scratch / "phantom.dcm";
  writePhantomDicom(makePhantom(smallOptions(View::AP, 4)), path, 0.3);
  // The file itself carries the synthetic name, so its absence below means something.
  ASSERT_NE(readBytes(path).find("PHANTOM^SAMPLE"), std::string::npos);
  ASSERT_NE(readBytes(path).find("SAMPLE-0001"), std::string::npos);

  const Image image = loadImage(path);

  EXPECT_EQ(image.orientation.view, ViewPosition::AP);
  EXPECT_EQ(image.orientation.rowDirection, "L");
  std::vector<std::string> texts = {image.sopInstanceUid, image.encoding, image.orientation.rowDirection};
  texts.insert(texts.end(), image.notices.begin(), image.notices.end());
  for (const std::string& text : texts) {
    EXPECT_EQ(text.find("PHANTOM"), std::string::npos) << text;
    EXPECT_EQ(text.find("SAMPLE"), std::string::npos) << text;
  }
  fs::remove_all(scratch);
}

TEST(Phantom, PngRoundTripsThroughLoader)
{
  const fs::path scratch = testing::makeScratchDir("phantom-png");
  const Phantom phantom = makePhantom(smallOptions(View::AP, 12));
  const fs::path path = scratch / "phantom.png";
  writePhantomPng(phantom, path);

  const Image image = loadImage(path);

  EXPECT_EQ(image.format, ImageFormat::Png);
  EXPECT_EQ(image.width, phantom.width);
  EXPECT_EQ(image.height, phantom.height);
  ASSERT_EQ(image.pixels.size(), phantom.pixels.size());
  int differing = 0;
  for (std::size_t i = 0; i < phantom.pixels.size(); ++i) {
    if (image.modalityValue(image.pixels[i]) != phantom.pixels[i]) ++differing;
  }
  EXPECT_EQ(differing, 0);
  fs::remove_all(scratch);
}

TEST(Phantom, SampleWorkspaceHasImagesAndTruth)
{
  const fs::path folder = testing::makeScratchDir("phantom-sample");
  writeSampleWorkspace(folder);

  const Workspace workspace = openWorkspace(folder);
  std::vector<std::string> paths;
  for (const WorkspaceImage& image : workspace.images) paths.push_back(image.relativePath);
  EXPECT_EQ(paths, (std::vector<std::string>{"ap/phantom-ap-png.png", "ap/phantom-ap.dcm",
                                             "lateral/phantom-lateral.dcm"}));

  std::ifstream truth(folder / "truth.csv");
  std::vector<std::string> lines;
  for (std::string line; std::getline(truth, line);) lines.push_back(line);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "image,vertebra,landmark,x,y");

  // Each truth row names an image of the workspace, a level and a landmark of that image's view.
  int rowsPerImage[3] = {0, 0, 0};
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> fields;
    std::stringstream row(lines[i]);
    for (std::string field; std::getline(row, field, ',');) fields.push_back(field);
    ASSERT_EQ(fields.size(), 5u) << lines[i];
    const auto found = std::find(paths.begin(), paths.end(), fields[0]);
    ASSERT_NE(found, paths.end()) << lines[i];
    ++rowsPerImage[found - paths.begin()];
    EXPECT_TRUE(parseLevel(fields[1]).has_value()) << lines[i];
    Orientation orientation;
    orientation.view = fields[0].starts_with("lateral/") ? View::Lateral : View::AP;
    EXPECT_TRUE(parseLandmarkName(fields[2], orientation).has_value()) << lines[i];
  }
  for (const int count : rowsPerImage) {
    EXPECT_GT(count, 0);
    EXPECT_EQ(count % SlotCount, 0);
  }

  // The lateral truth rows match the image's pixels: the first corner of L5 sits on a body edge.
  const Image lateral = loadImage(folder / "lateral" / "phantom-lateral.dcm");
  const auto l5 = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
    return line.starts_with("lateral/phantom-lateral.dcm,L5,superior_anterior,");
  });
  ASSERT_NE(l5, lines.end());
  std::stringstream row(*l5);
  std::vector<std::string> fields;
  for (std::string field; std::getline(row, field, ',');) fields.push_back(field);
  const Point corner{std::stod(fields[3]), std::stod(fields[4])};
  const auto valueAt = [&](double x, double y) {
    return lateral.modalityValue(lateral.sampleAt(static_cast<int>(x), static_cast<int>(y)));
  };
  EXPECT_GT(valueAt(corner.x + 1.5, corner.y + 1.5), BoneThreshold);
  EXPECT_LT(valueAt(corner.x - 1.5, corner.y - 1.5), BoneThreshold);
  fs::remove_all(folder);
}

}  // namespace
}  // namespace spinemark::core
