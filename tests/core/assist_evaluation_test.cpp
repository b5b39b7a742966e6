#include "core/assist/evaluation.h"

#include "core/assist/vertebra_frame.h"

#include <gtest/gtest.h>

#include <cmath>

namespace spinemark::core::assist {
namespace {

// An axis-aligned vertebra: superior endplate from (x, y) to (x + width, y), height below it.
VertebraPoints box(double x, double y, double width, double height)
{
  return {Point{x, y}, Point{x + width / 2, y}, Point{x + width, y},
          Point{x, y + height}, Point{x + width / 2, y + height}, Point{x + width, y + height}};
}

TEST(VertebraFrameTest, RoundTripsAndNormalises)
{
  VertebraPoints tilted;
  const double angle = 0.3;
  const VertebraPoints flat = box(-20, -10, 40, 20);
  for (std::size_t slot = 0; slot < flat.size(); ++slot) {
    tilted[slot] = {100 + std::cos(angle) * flat[slot].x - std::sin(angle) * flat[slot].y,
                    50 + std::sin(angle) * flat[slot].x + std::cos(angle) * flat[slot].y};
  }
  const auto frame = VertebraFrame::on(tilted);
  ASSERT_TRUE(frame);
  const Point corner = frame->toFrame(pointOf(tilted, Slot::SuperiorSecond));
  EXPECT_NEAR(corner.x, 0.5, 1e-12);  // half the endplate width to the right of the centre
  EXPECT_NEAR(corner.y, -0.25, 1e-12);
  const Point back = frame->toImage(frame->toFrame({7, -3}));
  EXPECT_NEAR(back.x, 7, 1e-9);
  EXPECT_NEAR(back.y, -3, 1e-9);
}

TEST(VertebraFrameTest, DegenerateVertebraHasNoFrame)
{
  EXPECT_FALSE(VertebraFrame::on(box(5, 5, 0, 10)));
}

TEST(BaselineTest, TranslatesByLastStep)
{
  // Centres at (20, 100) and (25, 140): the step is (-5, -40).
  const std::vector<VertebraPoints> below = {box(0, 90, 40, 20), box(5, 130, 40, 20)};
  const VertebraPoints next = extrapolateNext(below);
  EXPECT_EQ(pointOf(next, Slot::SuperiorFirst), (Point{-5, 50}));
  EXPECT_EQ(pointOf(next, Slot::InferiorSecond), (Point{35, 70}));
}

TEST(BaselineTest, OneVertebraStepsByHeightAndDisc)
{
  // Height 20 up the image plus a disc of 0.25 * 20: the step is (0, -25).
  const VertebraPoints next = extrapolateNext({box(0, 90, 40, 20)});
  EXPECT_EQ(pointOf(next, Slot::SuperiorFirst), (Point{0, 65}));
  EXPECT_THROW(extrapolateNext({}), std::invalid_argument);
}

TEST(MetricsTest, CornerErrorsInPercentOfWidth)
{
  const VertebraPoints truth = box(0, 0, 50, 20);
  VertebraPoints predicted = truth;
  predicted[0] = {3, 4};                   // 5 px off: 10 % of 50
  predicted[2] = {50, 1};                  // 1 px: 2 %
  predicted[1] = {100, 100};               // a midpoint: not counted
  predicted[5] = {50 + 6, 20 + 8};         // 10 px: 20 %
  const auto errors = cornerErrorsPct(predicted, truth);
  EXPECT_DOUBLE_EQ(errors[0], 10.0);
  EXPECT_DOUBLE_EQ(errors[1], 2.0);
  EXPECT_DOUBLE_EQ(errors[2], 0.0);
  EXPECT_DOUBLE_EQ(errors[3], 20.0);
}

TEST(MetricsTest, MedianAndBeyondThreshold)
{
  const ErrorSummary odd = summarizeErrors({12, 1, 10, 3, 30});
  EXPECT_DOUBLE_EQ(odd.medianPct, 10.0);
  EXPECT_DOUBLE_EQ(odd.beyond10Fraction, 0.4);  // exactly 10 % is not beyond
  EXPECT_EQ(odd.points, 5u);
  const ErrorSummary even = summarizeErrors({4, 1, 2, 11});
  EXPECT_DOUBLE_EQ(even.medianPct, 3.0);
  EXPECT_DOUBLE_EQ(even.beyond10Fraction, 0.25);
  EXPECT_EQ(summarizeErrors({}).points, 0u);
}

TEST(MetricsTest, JsonHasContractKeys)
{
  AssistEvaluation evaluation;
  evaluation.model[0] = {4.5, 0.25, 8};
  evaluation.baseline[2] = {12, 0.5, 8};
  const std::string json = evaluationJson(evaluation);
  EXPECT_EQ(json.find("{\"model\": {\"1\": {\"median_pct\": 4.5, \"beyond_10pct\": 0.25}"), 0u) << json;
  EXPECT_NE(json.find("\"baseline\": {\"1\": "), std::string::npos) << json;
  EXPECT_NE(json.find("\"3\": {\"median_pct\": 12, \"beyond_10pct\": 0.5}}}"), std::string::npos) << json;
}

TEST(MetricsTest, CrossValidationRejectsBadFoldCounts)
{
  EXPECT_THROW(crossValidate({}, 5), std::invalid_argument);
  EXPECT_THROW(crossValidate(std::vector<ImageAnnotation>(3), 1), std::invalid_argument);
}

}  // namespace
}  // namespace spinemark::core::assist
