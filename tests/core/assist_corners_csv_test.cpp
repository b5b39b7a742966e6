#include "core/assist/corners_csv.h"

#include "support/test_data.h"

#include <gtest/gtest.h>

#include <sstream>

namespace spinemark::core::assist {
namespace {

constexpr const char* Header = "image,width,height,vertebra,corner,x,y\n";

std::vector<ImageAnnotation> parse(const std::string& text)
{
  std::istringstream in(text);
  return parseCornersCsv(in, "corners.csv");
}

std::string fourCorners(const std::string& image, const std::string& level)
{
  return image + ",100,200," + level + ",superior_left,10,20\n" + image + ",100,200," + level +
         ",superior_right,30,22\n" + image + ",100,200," + level + ",inferior_left,11,40\n" + image +
         ",100,200," + level + ",inferior_right,31,44\n";
}

TEST(CornersCsvTest, MapsImageSidesToSlots)
{
  const auto images = parse(std::string(Header) + fourCorners("a.jpg", "L5"));
  ASSERT_EQ(images.size(), 1u);
  EXPECT_EQ(images[0].image.relativePath, "a.jpg");
  EXPECT_EQ(images[0].image.width, 100);
  EXPECT_EQ(images[0].image.height, 200);
  const Vertebra& l5 = images[0].vertebrae.at(Level::L5);
  EXPECT_EQ(l5.points[static_cast<int>(Slot::SuperiorFirst)], (Point{10, 20}));
  EXPECT_EQ(l5.points[static_cast<int>(Slot::SuperiorSecond)], (Point{30, 22}));
  EXPECT_EQ(l5.points[static_cast<int>(Slot::InferiorFirst)], (Point{11, 40}));
  EXPECT_EQ(l5.points[static_cast<int>(Slot::InferiorSecond)], (Point{31, 44}));
}

TEST(CornersCsvTest, MidpointsAreCornerMeans)
{
  const auto images = parse(std::string(Header) + fourCorners("a.jpg", "T1"));
  const Vertebra& t1 = images[0].vertebrae.at(Level::T1);
  EXPECT_EQ(t1.points[static_cast<int>(Slot::SuperiorMiddle)], (Point{20, 21}));
  EXPECT_EQ(t1.points[static_cast<int>(Slot::InferiorMiddle)], (Point{21, 42}));
}

TEST(CornersCsvTest, KeepsImageOrderAndQuotedNames)
{
  const auto images = parse(std::string(Header) + fourCorners("\"b, 2.jpg\"", "L4") + fourCorners("a.jpg", "L4"));
  ASSERT_EQ(images.size(), 2u);
  EXPECT_EQ(images[0].image.relativePath, "b, 2.jpg");
  EXPECT_EQ(images[1].image.relativePath, "a.jpg");
}

// Each bad input must fail with the line of the offending row in the message.
TEST(CornersCsvTest, BadRowsNameTheirLine)
{
  const std::string good = std::string(Header) + fourCorners("a.jpg", "L5");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {good + "a.jpg,100,200,L4,superior_middle,1,2\n", ":6: unknown corner 'superior_middle'"},
      {good + "a.jpg,100,200,L9,superior_left,1,2\n", ":6: unknown vertebra 'L9'"},
      {good + "a.jpg,100,200,L4,superior_left,1\n", ":6: expected 7 fields"},
      {good + "a.jpg,100,200,L4,superior_left,x,2\n", ":6: invalid coordinate 'x,2'"},
      {good + "a.jpg,100,200,L4,superior_left,nan,2\n", ":6: invalid coordinate"},
      {good + "a.jpg,100,201,L4,superior_left,1,2\n", ":6: image 'a.jpg' has size 100x201"},
      {good + "a.jpg,100,200,L5,superior_left,1,2\n", ":6: corner superior_left of L5"},
      {good + "a.jpg,0,200,L4,superior_left,1,2\n", ":6: invalid width '0'"},
      {good + "a.jpg,100,200,L4,superior_left,1,2\n", ":6: vertebra L4 of image 'a.jpg' has no superior_right"},
      {"image,x,y\n", ":1: unexpected header"},
  };
  for (const auto& [text, expected] : cases) {
    try {
      parse(text);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const CornersCsvError& error) {
      EXPECT_NE(std::string(error.what()).find(expected), std::string::npos)
          << "message: " << error.what() << "\nexpected part: " << expected;
      EXPECT_NE(std::string(error.what()).find("corners.csv"), std::string::npos);
    }
  }
}

TEST(CornersCsvTest, MissingFileNamesPath)
{
  try {
    readCornersCsv("/nonexistent/corners.csv");
    FAIL() << "read a missing file";
  } catch (const CornersCsvError& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/corners.csv"), std::string::npos);
  }
}

TEST(CornersCsvTest, ReadsAasceGroundTruth)
{
  const auto shared = testing::sharedDataDir();
  if (shared.empty()) {
    GTEST_SKIP() << "shared data not found";
  }
  const auto images = readCornersCsv(shared / "aasce" / "corners-px.csv");
  ASSERT_EQ(images.size(), 481u);
  for (const auto& image : images) {
    ASSERT_EQ(image.vertebrae.size(), 17u) << image.image.relativePath;
    EXPECT_TRUE(image.vertebrae.count(Level::L5) == 1 && image.vertebrae.count(Level::T1) == 1);
    EXPECT_FALSE(image.vertebrae.count(Level::L6) || image.vertebrae.count(Level::T13));
  }
}

}  // namespace
}  // namespace spinemark::core::assist
