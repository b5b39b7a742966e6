#include "core/levels.h"

#include <gtest/gtest.h>

#include <vector>

namespace spinemark::core {
namespace {

TEST(LevelsTest, AboveWalksFromL5ToT1)
{
  std::vector<std::string> walked;
  std::optional<Level> level = Level::L5;
  while (level) {
    walked.emplace_back(levelName(*level));
    level = levelAbove(*level);
  }
  std::vector<std::string> expected = {"L5", "L4", "L3", "L2", "L1", "T12", "T11", "T10", "T9",
                                       "T8", "T7", "T6", "T5", "T4", "T3", "T2", "T1"};
  EXPECT_EQ(walked, expected);
}

TEST(LevelsTest, AboveVariantsJoinSequence)
{
  EXPECT_EQ(levelAbove(Level::L6), Level::L5);
  EXPECT_EQ(levelAbove(Level::T13), Level::T12);
  EXPECT_EQ(levelAbove(Level::L1), Level::T12);
  EXPECT_EQ(levelAbove(Level::T1), std::nullopt);
}

TEST(LevelsTest, BelowReversesAbove)
{
  EXPECT_EQ(levelBelow(Level::T1), Level::T2);
  EXPECT_EQ(levelBelow(Level::T12), Level::L1);
  EXPECT_EQ(levelBelow(Level::L4), Level::L5);
  EXPECT_EQ(levelBelow(Level::L5), std::nullopt);
  EXPECT_EQ(levelBelow(Level::L6), std::nullopt);
  EXPECT_EQ(levelBelow(Level::T13), Level::L1);
}

TEST(LevelsTest, ParseIgnoresCase)
{
  EXPECT_EQ(parseLevel("l5"), Level::L5);
  EXPECT_EQ(parseLevel("T12"), Level::T12);
  EXPECT_EQ(parseLevel("t13"), Level::T13);
  EXPECT_EQ(parseLevel("L6"), Level::L6);
  EXPECT_EQ(parseLevel("T1"), Level::T1);
  EXPECT_EQ(parseLevel("T0"), std::nullopt);
  EXPECT_EQ(parseLevel("C7"), std::nullopt);
  EXPECT_EQ(parseLevel(""), std::nullopt);
  EXPECT_EQ(parseLevel("T1 "), std::nullopt);
}

TEST(LevelsTest, NamesRoundTripForEveryLevel)
{
  for (int i = 0; i < LevelCount; ++i) {
    auto level = static_cast<Level>(i);
    EXPECT_EQ(parseLevel(levelName(level)), level) << levelName(level);
  }
}

TEST(LevelsTest, VariantsAreL6AndT13)
{
  for (int i = 0; i < LevelCount; ++i) {
    auto level = static_cast<Level>(i);
    EXPECT_EQ(isVariantLevel(level), level == Level::L6 || level == Level::T13) << levelName(level);
  }
}

TEST(LandmarkNameTest, ApRightOnImageLeft)
{
  Orientation ap{View::AP, true};
  EXPECT_EQ(landmarkName(Slot::SuperiorFirst, ap), "superior_right");
  EXPECT_EQ(landmarkName(Slot::SuperiorMiddle, ap), "superior_middle");
  EXPECT_EQ(landmarkName(Slot::SuperiorSecond, ap), "superior_left");
  EXPECT_EQ(landmarkName(Slot::InferiorFirst, ap), "inferior_right");
  EXPECT_EQ(landmarkName(Slot::InferiorMiddle, ap), "inferior_middle");
  EXPECT_EQ(landmarkName(Slot::InferiorSecond, ap), "inferior_left");
}

TEST(LandmarkNameTest, PaRightOnImageRight)
{
  Orientation pa{View::PA, false};
  EXPECT_EQ(landmarkName(Slot::SuperiorFirst, pa), "superior_left");
  EXPECT_EQ(landmarkName(Slot::InferiorSecond, pa), "inferior_right");
}

TEST(LandmarkNameTest, LateralBothDirections)
{
  Orientation anteriorLeft{View::Lateral, true};
  EXPECT_EQ(landmarkName(Slot::SuperiorFirst, anteriorLeft), "superior_anterior");
  EXPECT_EQ(landmarkName(Slot::SuperiorSecond, anteriorLeft), "superior_posterior");
  EXPECT_EQ(landmarkName(Slot::InferiorMiddle, anteriorLeft), "inferior_middle");

  Orientation anteriorRight{View::Lateral, false};
  EXPECT_EQ(landmarkName(Slot::SuperiorFirst, anteriorRight), "superior_posterior");
  EXPECT_EQ(landmarkName(Slot::InferiorSecond, anteriorRight), "inferior_anterior");
}

TEST(LandmarkNameTest, ParseInvertsNameForAllOrientations)
{
  for (View view : {View::AP, View::PA, View::Lateral}) {
    for (bool firstSide : {true, false}) {
      Orientation orientation{view, firstSide};
      for (int i = 0; i < SlotCount; ++i) {
        auto slot = static_cast<Slot>(i);
        EXPECT_EQ(parseLandmarkName(landmarkName(slot, orientation), orientation), slot)
            << landmarkName(slot, orientation);
      }
    }
  }
}

TEST(LandmarkNameTest, ParseRejectsNameOfOtherView)
{
  Orientation ap{View::AP, true};
  EXPECT_EQ(parseLandmarkName("superior_anterior", ap), std::nullopt);
  Orientation lateral{View::Lateral, true};
  EXPECT_EQ(parseLandmarkName("inferior_left", lateral), std::nullopt);
  EXPECT_EQ(parseLandmarkName("Superior_middle", lateral), std::nullopt);
}

TEST(ViewTest, NamesRoundTrip)
{
  EXPECT_EQ(viewName(View::AP), "AP");
  EXPECT_EQ(viewName(View::PA), "PA");
  EXPECT_EQ(viewName(View::Lateral), "lateral");
  for (View view : {View::AP, View::PA, View::Lateral}) {
    EXPECT_EQ(parseView(viewName(view)), view);
  }
  EXPECT_EQ(parseView("LAT"), std::nullopt);
}

TEST(NextOrientationTest, CyclesFourStates)
{
  Orientation start{View::AP, true, Orientation::Source::Annotator};
  Orientation second = nextOrientation(start);
  EXPECT_EQ(second.view, View::AP);
  EXPECT_FALSE(second.firstSideIsRightOrAnterior);
  Orientation third = nextOrientation(second);
  EXPECT_EQ(third.view, View::Lateral);
  EXPECT_TRUE(third.firstSideIsRightOrAnterior);
  Orientation fourth = nextOrientation(third);
  EXPECT_EQ(fourth.view, View::Lateral);
  EXPECT_FALSE(fourth.firstSideIsRightOrAnterior);
  EXPECT_EQ(nextOrientation(fourth), start);
}

TEST(NextOrientationTest, PaJoinsAsAp)
{
  Orientation next = nextOrientation(Orientation{View::PA, true});
  EXPECT_EQ(next.view, View::AP);
  EXPECT_FALSE(next.firstSideIsRightOrAnterior);
  EXPECT_EQ(nextOrientation(Orientation{View::PA, false}).view, View::Lateral);
}

TEST(LevelsTest, SequenceInsertsEnabledVariants)
{
  EXPECT_EQ(levelSequence({}).size(), 17u);
  EXPECT_EQ(levelSequence({}).front(), Level::L5);
  std::vector<Level> both = levelSequence({Level::L6, Level::T13, Level::L3});
  ASSERT_EQ(both.size(), 19u);
  EXPECT_EQ(both.front(), Level::L6);
  EXPECT_EQ(both[5], Level::L1);
  EXPECT_EQ(both[6], Level::T13);
  EXPECT_EQ(both[7], Level::T12);
  EXPECT_EQ(both.back(), Level::T1);
}

}  // namespace
}  // namespace spinemark::core
