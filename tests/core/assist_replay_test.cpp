#include "core/assist/replay.h"

#include "support/synthetic_spine.h"

#include <gtest/gtest.h>

namespace spinemark::core::assist {
namespace {

using testing::SpineParameters;
using testing::syntheticSpine;

// L5 and L4 of a straight synthetic spine.
ImageAnnotation twoVertebrae(const std::string& name, double scale)
{
  SpineParameters p;
  p.scale = scale;
  ImageAnnotation truth = syntheticSpine(p, name);
  std::erase_if(truth.vertebrae, [](const auto& entry) { return entry.first != Level::L5 && entry.first != Level::L4; });
  return truth;
}

// A model trained on straight spines of several sizes predicts a straight spine's L4 exactly.
LandmarkPredictor straightSpineModel()
{
  std::vector<ImageAnnotation> spines;
  for (int i = 0; i < 12; ++i) {
    spines.push_back(twoVertebrae("train-" + std::to_string(i), 40 + 3 * i));
  }
  LandmarkPredictor predictor;
  predictor.train(spines);
  return predictor;
}

TEST(ReplayTest, HandPlacementWithoutPredictor)
{
  const ImageReplay replay = replayImage(twoVertebrae("a", 60), nullptr, {});
  EXPECT_EQ(replay.counts.vertebrae, 2);
  EXPECT_EQ(replay.counts.handPlacements, 12);
  EXPECT_EQ(replay.counts.keystrokes(), 12);
  EXPECT_EQ(replay.counts.pointerActions(), 12);
  // 2 M + 12 (P + K) = 2.7 + 15.6
  EXPECT_NEAR(replay.seconds, 18.3, 1e-9);
  EXPECT_EQ(replay.result.vertebrae, twoVertebrae("a", 60).vertebrae);
}

TEST(ReplayTest, AcceptsGoodPrediction)
{
  const LandmarkPredictor predictor = straightSpineModel();
  const ImageReplay replay = replayImage(twoVertebrae("b", 55), &predictor, {});
  EXPECT_EQ(replay.counts.handPlacements, 6);
  EXPECT_EQ(replay.counts.accepts, 1);
  EXPECT_EQ(replay.counts.drags, 0);
  // L5 by hand (M + 6 (P + K) = 9.15), L4 accepted (M + K = 1.55)
  EXPECT_NEAR(replay.seconds, 10.7, 1e-9);
}

TEST(ReplayTest, DragsOneWrongPoint)
{
  const LandmarkPredictor predictor = straightSpineModel();
  ImageAnnotation truth = twoVertebrae("c", 50);
  Point& moved = *truth.vertebrae.at(Level::L4).points[static_cast<int>(Slot::SuperiorSecond)];
  moved.x += 10;  // 20 % of the 50 px endplate: beyond the 5 % tolerance
  const ImageReplay replay = replayImage(truth, &predictor, {});
  EXPECT_EQ(replay.counts.drags, 1);
  EXPECT_EQ(replay.counts.accepts, 0);
  EXPECT_EQ(replay.counts.cursorMoves, 1);
  EXPECT_EQ(replay.counts.pointerActions(), 7);
  // 9.15 for L5; L4: M + drag (2 P + K) + W (K) = 1.35 + 2.4 + 0.2
  EXPECT_NEAR(replay.seconds, 13.1, 1e-9);
  const auto result = replay.result.vertebrae.at(Level::L4).points[static_cast<int>(Slot::SuperiorSecond)];
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, moved);
}

TEST(ReplayTest, OnePlacementFixesShiftedPrediction)
{
  const LandmarkPredictor predictor = straightSpineModel();
  ImageAnnotation truth = twoVertebrae("d", 50);
  for (auto& point : truth.vertebrae.at(Level::L4).points) {
    point->y -= 10;  // every ghost point off by 20 %: 6 drags would take 14.6 s
  }
  const ImageReplay replay = replayImage(truth, &predictor, {});
  // After the first hand placement the ghost points follow it and all land on the truth.
  EXPECT_EQ(replay.counts.handPlacements, 7);
  EXPECT_EQ(replay.counts.accepts, 1);
  EXPECT_EQ(replay.counts.drags, 0);
  // 9.15 for L5; L4: M + (P + K) + K = 1.35 + 1.3 + 0.2
  EXPECT_NEAR(replay.seconds, 12.0, 1e-9);
  const auto& placed = replay.result.vertebrae.at(Level::L4).points;
  for (std::size_t slot = 0; slot < placed.size(); ++slot) {
    ASSERT_TRUE(placed[slot]) << "slot " << slot;
    EXPECT_NEAR(placed[slot]->x, truth.vertebrae.at(Level::L4).points[slot]->x, 1e-9) << "slot " << slot;
    EXPECT_NEAR(placed[slot]->y, truth.vertebrae.at(Level::L4).points[slot]->y, 1e-9) << "slot " << slot;
  }
}

TEST(ReplayTest, LearnsFromCompletedImages)
{
  // Every L4 sits 10 % of the L5 width higher than the geometric extrapolation expects, so only
  // a learned model predicts it within the 5 % tolerance.
  std::vector<ImageAnnotation> truths;
  for (int i = 0; i < 15; ++i) {
    const double scale = 40 + 2 * i;
    truths.push_back(twoVertebrae("learn-" + std::to_string(i), scale));
    for (auto& point : truths.back().vertebrae.at(Level::L4).points) {
      point->y -= 0.1 * scale;
    }
  }
  LandmarkPredictor predictor;
  const ReplaySummary summary = replayImages(truths, predictor, {});
  EXPECT_EQ(predictor.imageCount(), 15u);
  ASSERT_EQ(summary.images.size(), 15u);
  // The first image has only the geometric extrapolation, which misses L4 by a shift that one
  // hand placement corrects.
  EXPECT_EQ(summary.images.front().counts.handPlacements, 7);
  EXPECT_EQ(summary.images.front().counts.accepts, 1);
  // From the sixth image on, the pooled model (5 examples) predicts L4 well enough to accept.
  EXPECT_EQ(summary.images[5].counts.handPlacements, 6);
  EXPECT_EQ(summary.images[5].counts.accepts, 1);
  EXPECT_EQ(summary.images.back().counts.accepts, 1);
}

}  // namespace
}  // namespace spinemark::core::assist
