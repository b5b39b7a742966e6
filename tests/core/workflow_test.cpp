#include "core/workflow.h"

#include <gtest/gtest.h>

namespace spinemark::core {
namespace {

const Actor Annotator{"reader1", Role::Annotator};
const Actor Reviewer{"radiologist", Role::Reviewer};
constexpr const char* Time = "2026-12-04T21:00:00Z";

TEST(WorkflowTest, AnnotatorMarksDoneAndReviewerApproves)
{
  Workflow workflow;
  ASSERT_TRUE(markDone(workflow, Annotator, Time));
  EXPECT_EQ(workflow.state, WorkflowState::Done);
  EXPECT_EQ(workflow.changedBy, "reader1");
  EXPECT_EQ(workflow.changedAt, Time);
  ASSERT_TRUE(approve(workflow, Reviewer, Time));
  EXPECT_EQ(workflow.state, WorkflowState::Approved);
  EXPECT_EQ(workflow.changedBy, "radiologist");
}

TEST(WorkflowTest, RejectsWrongRole)
{
  Workflow workflow;
  ActionResult result = markDone(workflow, Reviewer, Time);
  EXPECT_FALSE(result);
  EXPECT_NE(result.error.find("Only an annotator can mark as done"), std::string::npos) << result.error;
  EXPECT_EQ(workflow.state, WorkflowState::New);
  ASSERT_TRUE(markDone(workflow, Annotator, Time));
  EXPECT_FALSE(approve(workflow, Annotator, Time));
}

TEST(WorkflowTest, RejectsApprovalOfUnfinishedImage)
{
  Workflow workflow;
  workflow.state = WorkflowState::InProgress;
  ActionResult result = approve(workflow, Reviewer, Time);
  EXPECT_FALSE(result);
  EXPECT_NE(result.error.find("state is in_progress"), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("done, flagged, corrected"), std::string::npos) << result.error;
  EXPECT_EQ(workflow.state, WorkflowState::InProgress);
}

TEST(WorkflowTest, FlagNeedsReasonAndTextForOther)
{
  Workflow workflow;
  EXPECT_FALSE(flag(workflow, Annotator, {}, "", Time));
  EXPECT_FALSE(flag(workflow, Annotator, {FlagReason::Other}, "", Time));
  EXPECT_EQ(workflow.state, WorkflowState::New);
  ASSERT_TRUE(flag(workflow, Annotator, {FlagReason::LevelUncertain, FlagReason::LevelUncertain}, "", Time));
  EXPECT_EQ(workflow.state, WorkflowState::Flagged);
  EXPECT_EQ(workflow.flagReasons, std::vector<FlagReason>{FlagReason::LevelUncertain});
}

TEST(WorkflowTest, RequestChangesNeedsComment)
{
  Workflow workflow;
  std::vector<ReviewComment> comments;
  ASSERT_TRUE(markDone(workflow, Annotator, Time));
  EXPECT_FALSE(requestChanges(workflow, comments, Reviewer, "", Time));
  EXPECT_TRUE(comments.empty());
  ASSERT_TRUE(requestChanges(workflow, comments, Reviewer, "fix L2", Time));
  EXPECT_EQ(workflow.state, WorkflowState::ChangesRequested);
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_EQ(comments[0].id, 1);
  EXPECT_EQ(comments[0].author, "radiologist");
  // The annotator fixes the image and hands it back.
  ASSERT_TRUE(markDone(workflow, Annotator, Time));
}

TEST(WorkflowTest, CorrectedAndReopen)
{
  Workflow workflow;
  ASSERT_TRUE(flag(workflow, Annotator, {FlagReason::PoorImage}, "", Time));
  ASSERT_TRUE(markCorrected(workflow, Reviewer, Time));
  EXPECT_EQ(workflow.state, WorkflowState::Corrected);
  EXPECT_FALSE(reopen(workflow, Annotator, Time));
  ASSERT_TRUE(reopen(workflow, Reviewer, Time));
  EXPECT_EQ(workflow.state, WorkflowState::InProgress);
  EXPECT_FALSE(reopen(workflow, Reviewer, Time));
}

TEST(WorkflowTest, NamesRoundTrip)
{
  for (int i = 0; i <= static_cast<int>(WorkflowState::Corrected); ++i) {
    auto state = static_cast<WorkflowState>(i);
    EXPECT_EQ(parseWorkflowState(workflowStateName(state)), state);
  }
  for (int i = 0; i <= static_cast<int>(FlagReason::Other); ++i) {
    auto reason = static_cast<FlagReason>(i);
    EXPECT_EQ(parseFlagReason(flagReasonName(reason)), reason);
  }
  EXPECT_EQ(workflowStateName(WorkflowState::ChangesRequested), "changes_requested");
  EXPECT_EQ(parseFlagReason("blurry"), std::nullopt);
}

}  // namespace
}  // namespace spinemark::core
