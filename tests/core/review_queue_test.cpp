#include "core/review_queue.h"

#include <gtest/gtest.h>

namespace spinemark::core {
namespace {

ImageSummary summaryOf(WorkflowState state, std::string annotator = "ann", std::vector<FlagReason> reasons = {})
{
  ImageSummary summary;
  summary.state = state;
  summary.annotator = std::move(annotator);
  summary.flagReasons = std::move(reasons);
  return summary;
}

TEST(ReviewQueue, FlaggedFirstThenDone)
{
  const std::vector<ImageSummary> summaries{
      summaryOf(WorkflowState::Done), summaryOf(WorkflowState::Approved), summaryOf(WorkflowState::Flagged),
      summaryOf(WorkflowState::InProgress), summaryOf(WorkflowState::Done), summaryOf(WorkflowState::Flagged)};
  EXPECT_EQ(reviewQueue(summaries, {}), (std::vector<int>{2, 5, 0, 4}));
}

TEST(ReviewQueue, FiltersByAnnotatorAndReason)
{
  const std::vector<ImageSummary> summaries{
      summaryOf(WorkflowState::Flagged, "ann", {FlagReason::LevelUncertain}),
      summaryOf(WorkflowState::Flagged, "bob", {FlagReason::PoorImage, FlagReason::LevelUncertain}),
      summaryOf(WorkflowState::Done, "bob")};
  EXPECT_EQ(reviewQueue(summaries, {"bob", std::nullopt}), (std::vector<int>{1, 2}));
  EXPECT_EQ(reviewQueue(summaries, {"", FlagReason::LevelUncertain}), (std::vector<int>{0, 1}));
  EXPECT_EQ(reviewQueue(summaries, {"ann", FlagReason::PoorImage}), (std::vector<int>{}));
}

TEST(ReviewQueue, SentBackFirstForAnnotator)
{
  const std::vector<ImageSummary> summaries{summaryOf(WorkflowState::New), summaryOf(WorkflowState::Done),
                                            summaryOf(WorkflowState::ChangesRequested),
                                            summaryOf(WorkflowState::InProgress)};
  EXPECT_EQ(annotatorQueue(summaries), (std::vector<int>{2, 0, 3}));
}

TEST(ReviewQueue, StepsThroughQueue)
{
  const std::vector<int> queue{4, 1, 7};
  EXPECT_EQ(stepInQueue(queue, 1, 1), 7);
  EXPECT_EQ(stepInQueue(queue, 1, -1), 4);
  EXPECT_EQ(stepInQueue(queue, 7, 1), std::nullopt);
  EXPECT_EQ(stepInQueue(queue, 3, 1), 4);
  EXPECT_EQ(stepInQueue(queue, 3, -1), 7);
  EXPECT_EQ(stepInQueue({}, 3, 1), std::nullopt);
}

TEST(ReviewQueue, SummaryNamesWhoHandedOver)
{
  ImageAnnotation annotation;
  annotation.annotator = "reviewer";
  annotation.workflow.state = WorkflowState::Flagged;
  annotation.workflow.changedBy = "ann";
  annotation.workflow.flagReasons = {FlagReason::AnatomicalVariant};
  annotation.comments.push_back({1, "reviewer", "t", "check L1", std::nullopt, std::nullopt, false});
  annotation.comments.push_back({2, "reviewer", "t", "ok", std::nullopt, std::nullopt, true});
  const auto summary = summarize(annotation);
  EXPECT_EQ(summary.annotator, "ann");
  EXPECT_EQ(summary.flagReasons, (std::vector<FlagReason>{FlagReason::AnatomicalVariant}));
  EXPECT_EQ(summary.openComments, 1);
}

}  // namespace
}  // namespace spinemark::core
