#include "core/quality/checks.h"

#include "support/quality_annotations.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string_view>

namespace spinemark::core::quality {
namespace {

using testing::boxVertebra;
using testing::emptyAnnotation;

// L5, L4 and L3 as 200 x 120 px bodies 40 px apart, the lowest ending at y = 1920.
ImageAnnotation cleanSpine()
{
  ImageAnnotation annotation = emptyAnnotation();
  annotation.vertebrae[Level::L5] = boxVertebra(400, 1800, 200, 120);
  annotation.vertebrae[Level::L4] = boxVertebra(400, 1640, 200, 120);
  annotation.vertebrae[Level::L3] = boxVertebra(400, 1480, 200, 120);
  return annotation;
}

void setPoint(ImageAnnotation& annotation, Level level, Slot slot, Point point)
{
  annotation.vertebrae[level].points[static_cast<std::size_t>(slot)] = point;
}

std::vector<Finding> findingsWithCode(const ImageAnnotation& annotation, std::string_view code)
{
  std::vector<Finding> matching;
  for (const Finding& finding : checkAnnotation(annotation)) {
    if (finding.code == code) {
      matching.push_back(finding);
    }
  }
  return matching;
}

TEST(QualityChecks, CleanSpineHasNoFindings)
{
  const auto findings = checkAnnotation(cleanSpine());
  for (const Finding& finding : findings) {
    ADD_FAILURE() << finding.code << ": " << finding.message;
  }
  EXPECT_FALSE(hasErrors(findings));
}

TEST(QualityChecks, MissingLandmarkPointsAtSlot)
{
  ImageAnnotation annotation = cleanSpine();
  annotation.vertebrae[Level::L4].points[static_cast<std::size_t>(Slot::SuperiorMiddle)].reset();
  const auto findings = findingsWithCode(annotation, FindingCode::MissingLandmark);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].level, Level::L4);
  EXPECT_EQ(findings[0].slot, Slot::SuperiorMiddle);
  EXPECT_EQ(findings[0].severity, Severity::Error);
  EXPECT_NE(findings[0].message.find("L4 superior_middle"), std::string::npos) << findings[0].message;
  EXPECT_TRUE(hasErrors(checkAnnotation(annotation)));
}

TEST(QualityChecks, PointOnImageEdgeIsInside)
{
  ImageAnnotation annotation = cleanSpine();
  setPoint(annotation, Level::L5, Slot::InferiorFirst, {400, 2000});
  EXPECT_TRUE(findingsWithCode(annotation, FindingCode::PointOutsideImage).empty());
}

TEST(QualityChecks, PointBelowImageIsError)
{
  ImageAnnotation annotation = cleanSpine();
  setPoint(annotation, Level::L5, Slot::InferiorFirst, {400, 2000.5});
  const auto findings = findingsWithCode(annotation, FindingCode::PointOutsideImage);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].slot, Slot::InferiorFirst);
  EXPECT_EQ(findings[0].severity, Severity::Error);
  EXPECT_NE(findings[0].message.find("1000 x 2000"), std::string::npos) << findings[0].message;
}

TEST(QualityChecks, SwappedEndplatesAreError)
{
  ImageAnnotation annotation = cleanSpine();
  // Superior points on the bottom edge, inferior points on the top edge of L4.
  Vertebra& l4 = annotation.vertebrae[Level::L4];
  for (int i = 0; i < SlotCount / 2; ++i) {
    std::swap(l4.points[static_cast<std::size_t>(i)], l4.points[static_cast<std::size_t>(i + SlotCount / 2)]);
  }
  const auto findings = findingsWithCode(annotation, FindingCode::EndplatesSwapped);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].level, Level::L4);
  EXPECT_NE(findings[0].message.find("120.0 px below"), std::string::npos) << findings[0].message;
}

TEST(QualityChecks, SwappedSidesNameTheOrientation)
{
  ImageAnnotation annotation = cleanSpine();
  annotation.orientation.view = View::Lateral;
  annotation.orientation.firstSideIsRightOrAnterior = true;
  Vertebra& l4 = annotation.vertebrae[Level::L4];
  std::swap(l4.points[static_cast<std::size_t>(Slot::SuperiorFirst)],
            l4.points[static_cast<std::size_t>(Slot::SuperiorSecond)]);
  const auto findings = findingsWithCode(annotation, FindingCode::SidesSwapped);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].slot, Slot::SuperiorFirst);
  EXPECT_NE(findings[0].message.find("superior_anterior"), std::string::npos) << findings[0].message;
  EXPECT_NE(findings[0].message.find("anterior on the image left"), std::string::npos) << findings[0].message;
}

TEST(QualityChecks, CrossedOutlineIsError)
{
  ImageAnnotation annotation = cleanSpine();
  // The right superior corner drops below the inferior endplate, so edge SL-SR crosses IR-IL.
  setPoint(annotation, Level::L4, Slot::SuperiorSecond, {600, 1800});
  const auto findings = findingsWithCode(annotation, FindingCode::OutlineSelfIntersecting);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].level, Level::L4);
  EXPECT_EQ(findings[0].severity, Severity::Error);
  EXPECT_TRUE(findingsWithCode(annotation, FindingCode::SidesSwapped).empty());
  EXPECT_TRUE(findingsWithCode(annotation, FindingCode::EndplatesSwapped).empty());
}

TEST(QualityChecks, TouchingNeighboursDoNotOverlap)
{
  ImageAnnotation annotation = cleanSpine();
  annotation.vertebrae[Level::L4] = boxVertebra(400, 1640, 200, 160);  // inferior edge on L5's superior
  EXPECT_TRUE(findingsWithCode(annotation, FindingCode::OverlapsNeighbour).empty());
}

TEST(QualityChecks, OverlapShareIsReported)
{
  ImageAnnotation annotation = cleanSpine();
  // L4 reaches 30 px into L5: 200 x 30 px shared, 25% of L5's 200 x 120 px.
  annotation.vertebrae[Level::L4] = boxVertebra(400, 1640, 200, 190);
  const auto findings = findingsWithCode(annotation, FindingCode::OverlapsNeighbour);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].level, Level::L4);
  EXPECT_EQ(findings[0].severity, Severity::Warning);
  EXPECT_NE(findings[0].message.find("25%"), std::string::npos) << findings[0].message;
}

TEST(QualityChecks, SameVertebraTwiceIsDuplicate)
{
  ImageAnnotation annotation = cleanSpine();
  annotation.vertebrae[Level::L4] = boxVertebra(405, 1790, 200, 120);
  const auto findings = findingsWithCode(annotation, FindingCode::DuplicateVertebra);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].level, Level::L4);
  EXPECT_EQ(findings[0].severity, Severity::Error);
  EXPECT_TRUE(findingsWithCode(annotation, FindingCode::LabelOutOfSequence).empty());
}

TEST(QualityChecks, HeightToWidthLimits)
{
  ImageAnnotation annotation = emptyAnnotation();
  annotation.vertebrae[Level::L4] = boxVertebra(400, 1000, 200, 300);  // 1.5, the limit
  EXPECT_TRUE(findingsWithCode(annotation, FindingCode::ShapeImplausible).empty());

  annotation.vertebrae[Level::L4] = boxVertebra(400, 1000, 200, 320);  // 1.6
  const auto tall = findingsWithCode(annotation, FindingCode::ShapeImplausible);
  ASSERT_EQ(tall.size(), 1u);
  EXPECT_NE(tall[0].message.find("1.60"), std::string::npos) << tall[0].message;

  annotation.vertebrae[Level::L4] = boxVertebra(400, 1000, 200, 40);  // 0.2, the lower limit
  EXPECT_TRUE(findingsWithCode(annotation, FindingCode::ShapeImplausible).empty());

  annotation.vertebrae[Level::L4] = boxVertebra(400, 1000, 200, 30);  // 0.15
  EXPECT_EQ(findingsWithCode(annotation, FindingCode::ShapeImplausible).size(), 1u);
}

TEST(QualityChecks, HeightJumpBetweenNeighbours)
{
  ImageAnnotation annotation = cleanSpine();
  annotation.vertebrae[Level::L3] = boxVertebra(400, 1400, 200, 200);  // 1.67 x L4's height
  EXPECT_TRUE(findingsWithCode(annotation, FindingCode::SizeJump).empty());

  annotation.vertebrae[Level::L3] = boxVertebra(400, 1350, 200, 250);  // 2.08 x
  const auto findings = findingsWithCode(annotation, FindingCode::SizeJump);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].level, Level::L3);
  EXPECT_NE(findings[0].message.find("height"), std::string::npos) << findings[0].message;
}

TEST(QualityChecks, WidthJumpBetweenNeighbours)
{
  ImageAnnotation annotation = cleanSpine();
  annotation.vertebrae[Level::L3] = boxVertebra(350, 1480, 310, 120);  // 1.55 x L4's width
  const auto findings = findingsWithCode(annotation, FindingCode::SizeJump);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_NE(findings[0].message.find("width"), std::string::npos) << findings[0].message;
}

TEST(QualityChecks, LabelBelowLowerLabelIsOutOfSequence)
{
  ImageAnnotation annotation = emptyAnnotation();
  annotation.vertebrae[Level::L5] = boxVertebra(400, 1640, 200, 120);
  annotation.vertebrae[Level::L4] = boxVertebra(400, 1800, 200, 120);
  const auto findings = findingsWithCode(annotation, FindingCode::LabelOutOfSequence);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].level, Level::L4);
  EXPECT_EQ(findings[0].severity, Severity::Error);
}

TEST(QualityChecks, SkippedLevelIsGap)
{
  ImageAnnotation annotation = cleanSpine();
  annotation.vertebrae.erase(Level::L4);
  const auto findings = findingsWithCode(annotation, FindingCode::LevelGap);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].level, Level::L4);
  EXPECT_EQ(findings[0].severity, Severity::Error);
}

TEST(QualityChecks, AbsentVariantIsNoGap)
{
  ImageAnnotation annotation = emptyAnnotation();
  annotation.vertebrae[Level::L1] = boxVertebra(400, 1640, 200, 120);
  annotation.vertebrae[Level::T12] = boxVertebra(400, 1480, 200, 120);
  EXPECT_TRUE(findingsWithCode(annotation, FindingCode::LevelGap).empty());
}

TEST(QualityChecks, EnabledVariantMissingIsGap)
{
  ImageAnnotation annotation = emptyAnnotation();
  annotation.variants.insert(Level::T13);
  annotation.vertebrae[Level::L1] = boxVertebra(400, 1640, 200, 120);
  annotation.vertebrae[Level::T12] = boxVertebra(400, 1480, 200, 120);
  const auto findings = findingsWithCode(annotation, FindingCode::LevelGap);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].level, Level::T13);
}

TEST(QualityChecks, NotVisibleVertebraFillsSequence)
{
  ImageAnnotation annotation = cleanSpine();
  Vertebra hidden;
  hidden.status = VertebraStatus::NotVisible;
  annotation.vertebrae[Level::L4] = hidden;
  const auto findings = checkAnnotation(annotation);
  for (const Finding& finding : findings) {
    ADD_FAILURE() << finding.code << ": " << finding.message;
  }
}

TEST(QualityChecks, MidpointAwayFromEndplateLine)
{
  ImageAnnotation annotation = cleanSpine();
  setPoint(annotation, Level::L4, Slot::SuperiorMiddle, {500, 1610});  // 30 px = 15% of 200 px
  EXPECT_TRUE(findingsWithCode(annotation, FindingCode::MidpointOffEndplate).empty());

  setPoint(annotation, Level::L4, Slot::SuperiorMiddle, {500, 1590});  // 50 px = 25%
  const auto findings = findingsWithCode(annotation, FindingCode::MidpointOffEndplate);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].slot, Slot::SuperiorMiddle);
  EXPECT_EQ(findings[0].severity, Severity::Warning);
  EXPECT_NE(findings[0].message.find("25%"), std::string::npos) << findings[0].message;
}

TEST(QualityChecks, MidpointAwayFromEndplateCentre)
{
  ImageAnnotation annotation = cleanSpine();
  setPoint(annotation, Level::L4, Slot::InferiorMiddle, {540, 1760});  // 40 px = 20% along
  EXPECT_TRUE(findingsWithCode(annotation, FindingCode::MidpointOffEndplate).empty());

  setPoint(annotation, Level::L4, Slot::InferiorMiddle, {560, 1760});  // 60 px = 30% along
  const auto findings = findingsWithCode(annotation, FindingCode::MidpointOffEndplate);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].slot, Slot::InferiorMiddle);
}

TEST(QualityChecks, FindingsComeInLevelOrder)
{
  ImageAnnotation annotation = cleanSpine();
  annotation.vertebrae[Level::L3].points[0].reset();
  annotation.vertebrae[Level::L5].points[0].reset();
  const auto findings = checkAnnotation(annotation);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].level, Level::L5);
  EXPECT_EQ(findings[1].level, Level::L3);
}

}  // namespace
}  // namespace spinemark::core::quality
