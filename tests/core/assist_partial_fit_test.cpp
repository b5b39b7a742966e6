// Ghost points that follow the landmarks already placed: the similarity fit, the endplate middle
// rule, Gaussian conditioning on a learned error covariance, and learning that covariance.
#include "core/assist/error_covariance.h"
#include "core/assist/partial_fit.h"

#include <gtest/gtest.h>

namespace spinemark::core::assist {
namespace {

// A 40 x 30 px rectangle with its middles on the endplates, top-left corner at (100, 200).
VertebraPoints box()
{
  return {Point{100, 200}, Point{120, 200}, Point{140, 200}, Point{100, 230}, Point{120, 230}, Point{140, 230}};
}

std::size_t index(Slot slot)
{
  return static_cast<std::size_t>(slot);
}

void expectPoint(const Point& actual, const Point& expected, const char* label)
{
  EXPECT_NEAR(actual.x, expected.x, 1e-9) << label;
  EXPECT_NEAR(actual.y, expected.y, 1e-9) << label;
}

TEST(PartialFit, NothingPlacedKeepsPrediction)
{
  const VertebraPoints fitted = fitToPlaced(box(), {});
  for (std::size_t slot = 0; slot < fitted.size(); ++slot) {
    expectPoint(fitted[slot], box()[slot], "unchanged");
  }
}

TEST(PartialFit, OnePointTranslates)
{
  PartialPoints placed;
  placed[index(Slot::SuperiorFirst)] = Point{105, 190};
  const VertebraPoints fitted = fitToPlaced(box(), placed);
  expectPoint(fitted[index(Slot::SuperiorFirst)], {105, 190}, "placed point");
  expectPoint(fitted[index(Slot::InferiorSecond)], {145, 220}, "far corner shifted by (5, -10)");
}

TEST(PartialFit, TwoSpreadPointsRotateAndScale)
{
  // The superior endplate placed twice as long and turned by 90 degrees about its first corner.
  PartialPoints placed;
  placed[index(Slot::SuperiorFirst)] = Point{100, 200};
  placed[index(Slot::SuperiorSecond)] = Point{100, 280};
  const VertebraPoints fitted = fitToPlaced(box(), placed);
  expectPoint(fitted[index(Slot::InferiorFirst)], {40, 200}, "inferior first corner");
  expectPoint(fitted[index(Slot::InferiorSecond)], {40, 280}, "inferior second corner");
}

TEST(PartialFit, CloseTogetherPointsOnlyTranslate)
{
  // Predicted 2 px apart, under 30 % of the 40 px endplate: rotation and scale are not trusted.
  VertebraPoints predicted = box();
  predicted[index(Slot::SuperiorMiddle)] = Point{102, 200};
  PartialPoints placed;
  placed[index(Slot::SuperiorFirst)] = Point{100, 185};
  placed[index(Slot::SuperiorMiddle)] = Point{103, 186};
  const VertebraPoints fitted = fitToPlaced(predicted, placed);
  expectPoint(fitted[index(Slot::SuperiorSecond)], {140.5, 185.5}, "translated by the mean shift (0.5, -14.5)");
}

TEST(PartialFit, MiddleFollowsItsPlacedCorners)
{
  PartialPoints placed;
  placed[index(Slot::InferiorFirst)] = Point{100, 240};
  placed[index(Slot::InferiorSecond)] = Point{140, 236};
  const VertebraPoints fitted = fitToPlaced(box(), placed);
  expectPoint(fitted[index(Slot::InferiorMiddle)], {120, 238}, "middle of the placed chord");
}

// Errors in which the inferior second corner always moves exactly as the superior second corner.
Covariance coupledCorners()
{
  Covariance errors{};
  for (int i = 0; i < CoordinateCount; ++i) {
    errors[static_cast<std::size_t>(i * CoordinateCount + i)] = 1.0;
  }
  const int top = 2 * static_cast<int>(Slot::SuperiorSecond);
  const int bottom = 2 * static_cast<int>(Slot::InferiorSecond);
  for (int axis = 0; axis < 2; ++axis) {
    errors[static_cast<std::size_t>((top + axis) * CoordinateCount + bottom + axis)] = 1.0;
    errors[static_cast<std::size_t>((bottom + axis) * CoordinateCount + top + axis)] = 1.0;
  }
  return errors;
}

TEST(PartialFit, ConditioningMovesCorrelatedPoint)
{
  GhostModel model{box(), VertebraFrame::on(box()), coupledCorners()};
  ASSERT_TRUE(model.frame);
  PartialPoints placed;
  placed[index(Slot::SuperiorSecond)] = Point{140, 196};  // 4 px higher than predicted
  const VertebraPoints fitted = fitGhosts(model, placed);
  EXPECT_NEAR(fitted[index(Slot::InferiorSecond)].y, 226.0, 1e-3);
  EXPECT_NEAR(fitted[index(Slot::InferiorSecond)].x, 140.0, 1e-3);
  // Uncorrelated points stay where they were predicted.
  expectPoint(fitted[index(Slot::InferiorFirst)], {100, 230}, "uncorrelated corner");
}

TEST(PartialFit, WithoutCovarianceFallsBackToSimilarity)
{
  GhostModel model{box(), VertebraFrame::on(box()), std::nullopt};
  PartialPoints placed;
  placed[index(Slot::SuperiorFirst)] = Point{105, 190};
  expectPoint(fitGhosts(model, placed)[index(Slot::InferiorSecond)], {145, 220}, "translated");
}

TEST(PartialFit, CompleteWithGhostsKeepsPlacedPoints)
{
  GhostModel model{box(), VertebraFrame::on(box()), std::nullopt};
  PartialPoints placed;
  placed[index(Slot::SuperiorMiddle)] = Point{121, 201};
  const PartialPoints complete = completeWithGhosts(model, placed);
  for (const auto& point : complete) {
    EXPECT_TRUE(point.has_value());
  }
  EXPECT_EQ(*complete[index(Slot::SuperiorMiddle)], (Point{121, 201}));
}

Residual residualOf(double value)
{
  Residual residual{};
  residual.fill(value);
  return residual;
}

TEST(ErrorCovariance, NeedsMinimumSamples)
{
  ErrorCovariances errors;
  std::vector<LevelResidual> residuals(ErrorCovariances::MinimumSamples - 1, {Level::L4, residualOf(1.0)});
  errors.fit(residuals);
  EXPECT_FALSE(errors.forLevel(Level::L4));
  residuals.push_back({Level::L4, residualOf(1.0)});
  errors.fit(residuals);
  EXPECT_TRUE(errors.forLevel(Level::L4));
}

TEST(ErrorCovariance, LeavesOutDefectiveLabels)
{
  std::vector<LevelResidual> residuals(40, {Level::L3, residualOf(0.1)});
  residuals.push_back({Level::L3, residualOf(50.0)});
  ErrorCovariances errors;
  errors.fit(residuals);
  const auto covariance = errors.forLevel(Level::L3);
  ASSERT_TRUE(covariance);
  EXPECT_NEAR((*covariance)[0], 0.01, 1e-12);
}

TEST(ErrorCovariance, LevelShrinksTowardsPooled)
{
  // 20 L1 residuals of 1 and 60 L4 residuals of 0.5: pooled second moment (20 + 15) / 80.
  std::vector<LevelResidual> residuals(20, {Level::L1, residualOf(1.0)});
  residuals.insert(residuals.end(), 60, {Level::L4, residualOf(0.5)});
  ErrorCovariances errors;
  errors.fit(residuals);
  const double pooled = 35.0 / 80.0;
  const double expected = (20.0 + ErrorCovariances::PriorSamples * pooled) / (20.0 + ErrorCovariances::PriorSamples);
  EXPECT_NEAR((*errors.forLevel(Level::L1))[0], expected, 1e-12);
  EXPECT_NEAR((*errors.forLevel(Level::T12))[0], pooled, 1e-12);
}

}  // namespace
}  // namespace spinemark::core::assist
