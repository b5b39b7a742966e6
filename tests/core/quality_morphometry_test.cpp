#include "core/quality/morphometry.h"

#include "support/quality_annotations.h"

#include <gtest/gtest.h>

#include <sstream>

namespace spinemark::core::quality {
namespace {

// A body whose image-left side is leftHeight px high, middle middleHeight and image-right side
// rightHeight, all with the superior endplate at y = top.
Vertebra bodyWithHeights(double top, double leftHeight, double middleHeight, double rightHeight)
{
  Vertebra vertebra = testing::boxVertebra(100, top, 200, 100);
  vertebra.points[static_cast<std::size_t>(Slot::InferiorFirst)] = Point{100, top + leftHeight};
  vertebra.points[static_cast<std::size_t>(Slot::InferiorMiddle)] = Point{200, top + middleHeight};
  vertebra.points[static_cast<std::size_t>(Slot::InferiorSecond)] = Point{300, top + rightHeight};
  return vertebra;
}

ImageAnnotation lateralAnnotation(bool anteriorOnLeft)
{
  ImageAnnotation annotation = testing::emptyAnnotation();
  annotation.orientation.view = View::Lateral;
  annotation.orientation.firstSideIsRightOrAnterior = anteriorOnLeft;
  return annotation;
}

TEST(GenantGrade, BandBoundaries)
{
  EXPECT_EQ(genantGrade(1.0), 0);
  EXPECT_EQ(genantGrade(0.81), 0);
  EXPECT_EQ(genantGrade(0.80), 1);  // 20% loss
  EXPECT_EQ(genantGrade(0.76), 1);
  EXPECT_EQ(genantGrade(0.75), 2);  // 25% loss
  EXPECT_EQ(genantGrade(0.60), 2);  // 40% loss
  EXPECT_EQ(genantGrade(0.59), 3);
  EXPECT_EQ(genantGrade(0.0), 3);
}

TEST(Morphometry, HeightsInMillimetres)
{
  ImageAnnotation annotation = lateralAnnotation(true);
  annotation.image.spacing = {0.5, 0.25, SpacingSource::PixelSpacing};  // row 0.5 mm, column 0.25 mm
  annotation.vertebrae[Level::L3] = bodyWithHeights(500, 60, 70, 80);

  const auto measured = measureVertebrae(annotation);
  ASSERT_EQ(measured.size(), 1u);
  EXPECT_TRUE(measured[0].millimetres);
  EXPECT_DOUBLE_EQ(measured[0].heightRightOrAnterior, 30.0);
  EXPECT_DOUBLE_EQ(measured[0].heightMiddle, 35.0);
  EXPECT_DOUBLE_EQ(measured[0].heightLeftOrPosterior, 40.0);
  EXPECT_DOUBLE_EQ(measured[0].wedgeRatio, 0.75);
  EXPECT_DOUBLE_EQ(measured[0].midWedgeRatio, 0.875);
  EXPECT_FALSE(measured[0].crushRatio.has_value());
  EXPECT_DOUBLE_EQ(measured[0].heightLoss, 0.25);
  EXPECT_EQ(measured[0].genantGrade, 2);
}

TEST(Morphometry, SlantedHeightInPixels)
{
  ImageAnnotation annotation = lateralAnnotation(true);
  Vertebra vertebra = bodyWithHeights(500, 100, 100, 100);
  vertebra.points[static_cast<std::size_t>(Slot::InferiorFirst)] = Point{130, 540};  // 30, 40 px away
  annotation.vertebrae[Level::L3] = vertebra;

  const auto measured = measureVertebrae(annotation);
  ASSERT_EQ(measured.size(), 1u);
  EXPECT_FALSE(measured[0].millimetres);
  EXPECT_DOUBLE_EQ(measured[0].heightRightOrAnterior, 50.0);
  EXPECT_DOUBLE_EQ(measured[0].wedgeRatio, 0.5);
  EXPECT_EQ(measured[0].genantGrade, 3);
}

TEST(Morphometry, AnteriorOnImageRightSwapsSides)
{
  ImageAnnotation annotation = lateralAnnotation(false);
  annotation.vertebrae[Level::L3] = bodyWithHeights(500, 80, 90, 100);

  const auto measured = measureVertebrae(annotation);
  ASSERT_EQ(measured.size(), 1u);
  EXPECT_DOUBLE_EQ(measured[0].heightRightOrAnterior, 100.0);
  EXPECT_DOUBLE_EQ(measured[0].heightLeftOrPosterior, 80.0);
  EXPECT_DOUBLE_EQ(measured[0].wedgeRatio, 1.25);
  EXPECT_DOUBLE_EQ(measured[0].midWedgeRatio, 1.125);
  EXPECT_EQ(measured[0].genantGrade, 0);
}

TEST(Morphometry, CrushAgainstNeighbours)
{
  ImageAnnotation annotation = lateralAnnotation(true);
  annotation.vertebrae[Level::L5] = bodyWithHeights(900, 100, 100, 100);
  annotation.vertebrae[Level::L4] = bodyWithHeights(700, 60, 60, 60);
  annotation.vertebrae[Level::L3] = bodyWithHeights(500, 80, 80, 80);

  const auto measured = measureVertebrae(annotation);
  ASSERT_EQ(measured.size(), 3u);
  EXPECT_EQ(measured[1].level, Level::L4);
  EXPECT_DOUBLE_EQ(*measured[1].crushRatio, 60.0 / 90.0);
  EXPECT_EQ(measured[1].genantGrade, 2);
  EXPECT_DOUBLE_EQ(*measured[0].crushRatio, 100.0 / 60.0);  // L5 has only L4
  EXPECT_DOUBLE_EQ(*measured[2].crushRatio, 80.0 / 60.0);   // L3 has only L4
  EXPECT_EQ(measured[0].genantGrade, 0);
}

TEST(Morphometry, NoNeighbourAcrossGap)
{
  ImageAnnotation annotation = lateralAnnotation(true);
  annotation.vertebrae[Level::L5] = bodyWithHeights(900, 100, 100, 100);
  annotation.vertebrae[Level::L3] = bodyWithHeights(500, 50, 50, 50);

  const auto measured = measureVertebrae(annotation);
  ASSERT_EQ(measured.size(), 2u);
  EXPECT_FALSE(measured[0].crushRatio.has_value());
  EXPECT_FALSE(measured[1].crushRatio.has_value());
}

TEST(Morphometry, IncompleteVertebraIsNotMeasured)
{
  ImageAnnotation annotation = lateralAnnotation(true);
  annotation.vertebrae[Level::L3] = bodyWithHeights(500, 100, 100, 100);
  annotation.vertebrae[Level::L3].points[1].reset();
  EXPECT_TRUE(measureVertebrae(annotation).empty());
}

TEST(Morphometry, NoGenantGradeOnApView)
{
  ImageAnnotation annotation = testing::emptyAnnotation();
  annotation.vertebrae[Level::L3] = bodyWithHeights(500, 50, 100, 100);
  const auto measured = measureVertebrae(annotation);
  ASSERT_EQ(measured.size(), 1u);
  EXPECT_DOUBLE_EQ(measured[0].heightLoss, 0.5);
  EXPECT_FALSE(measured[0].genantGrade.has_value());
}

TEST(Morphometry, CsvRows)
{
  ImageAnnotation annotation = lateralAnnotation(true);
  annotation.image.relativePath = "a,b.png";
  annotation.vertebrae[Level::L4] = bodyWithHeights(700, 60, 60, 80);
  annotation.vertebrae[Level::L3] = bodyWithHeights(500, 80, 80, 80);
  std::ostringstream out;
  writeMorphometryCsvHeader(out);
  writeMorphometryCsvRows(annotation, out);
  EXPECT_EQ(out.str(),
            "image,vertebra,view,unit,height_right_or_anterior,height_middle,height_left_or_posterior,"
            "wedge_ratio,mid_wedge_ratio,crush_ratio,height_loss,genant_grade\n"
            "\"a,b.png\",L4,lateral,px,60,60,80,0.75,0.75,1,0.25,2\n"
            "\"a,b.png\",L3,lateral,px,80,80,80,1,1,1,0,0\n");
}

}  // namespace
}  // namespace spinemark::core::quality
