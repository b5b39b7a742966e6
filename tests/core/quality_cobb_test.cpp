#include "core/quality/cobb.h"

#include "support/quality_annotations.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace spinemark::core::quality {
namespace {

constexpr double Radians = std::numbers::pi / 180.0;

// A vertebra whose superior and inferior endplates run at the given angles (degrees, positive
// turning from image +x towards image +y), 100 px long, centred on (500, centreY).
Vertebra tiltedVertebra(double centreY, double superiorDegrees, double inferiorDegrees)
{
  Vertebra vertebra;
  const auto setEndplate = [&](Slot first, Slot middle, Slot second, double y, double degrees) {
    const Point half{50 * std::cos(degrees * Radians), 50 * std::sin(degrees * Radians)};
    vertebra.points[static_cast<std::size_t>(first)] = Point{500 - half.x, y - half.y};
    vertebra.points[static_cast<std::size_t>(middle)] = Point{500, y};
    vertebra.points[static_cast<std::size_t>(second)] = Point{500 + half.x, y + half.y};
  };
  setEndplate(Slot::SuperiorFirst, Slot::SuperiorMiddle, Slot::SuperiorSecond, centreY - 30, superiorDegrees);
  setEndplate(Slot::InferiorFirst, Slot::InferiorMiddle, Slot::InferiorSecond, centreY + 30, inferiorDegrees);
  return vertebra;
}

TEST(CobbAngle, LargestPairAndEndVertebrae)
{
  ImageAnnotation annotation = testing::emptyAnnotation();
  annotation.vertebrae[Level::L5] = tiltedVertebra(1800, 5, 0);
  annotation.vertebrae[Level::L4] = tiltedVertebra(1700, 2, 3);
  annotation.vertebrae[Level::L3] = tiltedVertebra(1600, -15, -10);

  const auto cobb = measureCobbAngle(annotation);
  ASSERT_TRUE(cobb.has_value());
  EXPECT_NEAR(cobb->degrees, 20.0, 1e-9);
  EXPECT_EQ(cobb->upper, (EndplateRef{Level::L3, true}));
  EXPECT_EQ(cobb->lower, (EndplateRef{Level::L5, true}));
}

TEST(CobbAngle, StraightSpineIsZero)
{
  ImageAnnotation annotation = testing::emptyAnnotation();
  annotation.vertebrae[Level::L5] = tiltedVertebra(1800, 0, 0);
  annotation.vertebrae[Level::L4] = tiltedVertebra(1700, 0, 0);
  const auto cobb = measureCobbAngle(annotation);
  ASSERT_TRUE(cobb.has_value());
  EXPECT_NEAR(cobb->degrees, 0.0, 1e-12);
}

TEST(CobbAngle, IgnoresAngleWithinOneVertebra)
{
  ImageAnnotation annotation = testing::emptyAnnotation();
  annotation.vertebrae[Level::L5] = tiltedVertebra(1800, 30, 0);
  annotation.vertebrae[Level::L4] = tiltedVertebra(1700, 10, 10);
  const auto cobb = measureCobbAngle(annotation);
  ASSERT_TRUE(cobb.has_value());
  EXPECT_NEAR(cobb->degrees, 20.0, 1e-9);
}

TEST(CobbAngle, CurveBeyondNinetyDegrees)
{
  ImageAnnotation annotation = testing::emptyAnnotation();
  annotation.vertebrae[Level::L5] = tiltedVertebra(1800, -50, -50);
  annotation.vertebrae[Level::T12] = tiltedVertebra(1200, 50, 50);
  annotation.vertebrae[Level::T8] = tiltedVertebra(800, -60, -60);
  const auto cobb = measureCobbAngle(annotation);
  ASSERT_TRUE(cobb.has_value());
  EXPECT_NEAR(cobb->degrees, 110.0, 1e-9);
  EXPECT_EQ(cobb->upper.level, Level::T8);
  EXPECT_EQ(cobb->lower.level, Level::T12);
}

TEST(CobbAngle, UsesPixelSpacing)
{
  ImageAnnotation annotation = testing::emptyAnnotation();
  annotation.image.spacing = {0.5, 1.0, SpacingSource::PixelSpacing};  // rows 0.5 mm, columns 1 mm
  annotation.vertebrae[Level::L5] = tiltedVertebra(1800, 0, 0);
  annotation.vertebrae[Level::L4] = tiltedVertebra(1700, 45, 45);  // 45 degrees in pixels
  const auto cobb = measureCobbAngle(annotation);
  ASSERT_TRUE(cobb.has_value());
  EXPECT_NEAR(cobb->degrees, std::atan(0.5) / Radians, 1e-9);  // 26.57 degrees on the patient
}

TEST(CobbAngle, NoneOnLateralView)
{
  ImageAnnotation annotation = testing::emptyAnnotation();
  annotation.orientation.view = View::Lateral;
  annotation.vertebrae[Level::L5] = tiltedVertebra(1800, 0, 0);
  annotation.vertebrae[Level::L4] = tiltedVertebra(1700, 20, 20);
  EXPECT_FALSE(measureCobbAngle(annotation).has_value());
}

TEST(CobbAngle, NoneWithOneVertebra)
{
  ImageAnnotation annotation = testing::emptyAnnotation();
  annotation.vertebrae[Level::L5] = tiltedVertebra(1800, 0, 20);
  EXPECT_FALSE(measureCobbAngle(annotation).has_value());
}

}  // namespace
}  // namespace spinemark::core::quality
