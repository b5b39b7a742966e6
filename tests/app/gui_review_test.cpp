// GUI test of the review workflow with two users: the annotator flags an image, the reviewer
// sends it back with a comment, the annotator fixes a point and marks it done, the reviewer
// approves. The saved history must name each step and its user.
#include "app/gui_harness.h"
#include "core/annotation_json.h"
#include "core/phantom.h"
#include "core/quality/checks.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <sstream>

namespace {

using spinemark::core::HistoryAction;
using spinemark::core::Level;
using spinemark::core::Point;
using spinemark::core::WorkflowState;
using spinemark::testing::runSpinemark;
using spinemark::testing::writeText;

class GuiReview : public ::testing::Test {
 protected:
  void SetUp() override
  {
    if (!spinemark::testing::haveDisplay()) {
      GTEST_SKIP() << "no X display";
    }
    m_scratch = spinemark::testing::makeScratchDir("gui-review");
    spinemark::core::PhantomOptions options;
    options.view = spinemark::core::View::Lateral;
    m_phantom = spinemark::core::makePhantom(options);
    spinemark::core::writePhantomPng(m_phantom, m_scratch / "phantom.png");
  }

  void run(const std::string& user, bool review, const std::string& body)
  {
    const auto script = m_scratch / ("step-" + std::to_string(m_step++) + ".txt");
    writeText(script, "wait 3\n" + body + "wait 3\nquit\n");
    std::vector<std::string> args{(m_scratch / "phantom.png").string(), "--annotations", annotations().string(),
                                  "--user", user, "--script", script.string(), "--window-size", "1200x900"};
    if (review) {
      args.push_back("--review");
    }
    const auto result = runSpinemark(args);
    ASSERT_EQ(result.exitCode, 0) << result.output;
  }

  spinemark::core::ImageAnnotation saved() const
  {
    return spinemark::core::readAnnotationFile(annotations() / "phantom.png.json");
  }

  std::filesystem::path annotations() const { return m_scratch / "annotations"; }

  std::filesystem::path m_scratch;
  spinemark::core::Phantom m_phantom;
  int m_step = 0;
};

TEST_F(GuiReview, FlagSendBackFixApprove)
{
  const auto& l5 = m_phantom.truth.at(Level::L5);
  std::string place;
  for (const auto& point : l5.points) {
    place += spinemark::testing::scriptLine("click", *point);
  }
  // Annotator: place L5, then flag with reason 2 (level uncertain).
  run("ann", false, place + "key ctrl+F\nwait 2\nkey 2\nkey ENTER\n");
  ASSERT_EQ(saved().workflow.state, WorkflowState::Flagged);
  EXPECT_EQ(saved().workflow.flagReasons,
            (std::vector<spinemark::core::FlagReason>{spinemark::core::FlagReason::LevelUncertain}));

  // Reviewer: send back with a typed comment.
  run("rad", true, "key ctrl+R\nwait 2\nkey F\nkey I\nkey X\nkey SPACE\nkey L\nkey 5\nkey ENTER\n");
  ASSERT_EQ(saved().workflow.state, WorkflowState::ChangesRequested);
  ASSERT_FALSE(saved().comments.empty());
  EXPECT_EQ(saved().comments.back().text, "fix l5");
  EXPECT_EQ(saved().comments.back().author, "rad");

  // Annotator: move one point by (3, -2), then mark done; confirm when the checks find errors.
  const Point moved = *l5.points[0];
  std::ostringstream drag;
  drag.precision(17);
  drag << "drag " << moved.x << " " << moved.y << " " << moved.x + 3.0 << " " << moved.y - 2.0 << "\n";
  auto beforeDone = saved();
  beforeDone.vertebrae[Level::L5].points[0] = Point{moved.x + 3.0, moved.y - 2.0};
  const bool confirm = spinemark::core::quality::hasErrors(spinemark::core::quality::checkAnnotation(beforeDone));
  run("ann", false, drag.str() + "key ctrl+D\nwait 2\n" + (confirm ? "key ENTER\n" : ""));
  ASSERT_EQ(saved().workflow.state, WorkflowState::Done);

  // Reviewer: approve.
  run("rad", true, "key ctrl+ENTER\n");
  const auto final = saved();
  EXPECT_EQ(final.workflow.state, WorkflowState::Approved);
  EXPECT_EQ(final.workflow.changedBy, "rad");
  EXPECT_NEAR(final.vertebrae.at(Level::L5).points[0]->x, moved.x + 3.0, 0.05);

  // The history names every step with its user, in order.
  std::vector<std::pair<std::string, std::string>> workflowSteps;
  bool annotatorMoved = false;
  for (const auto& entry : final.history) {
    if (entry.action == HistoryAction::Workflow) {
      workflowSteps.emplace_back(entry.user, entry.detail);
    }
    annotatorMoved = annotatorMoved || (entry.action == HistoryAction::Move && entry.user == "ann");
  }
  EXPECT_TRUE(annotatorMoved);
  const std::vector<std::pair<std::string, std::string>> expectedSteps{
      {"ann", "flagged"}, {"rad", "changes_requested"}, {"ann", "done"}, {"rad", "approved"}};
  std::vector<std::pair<std::string, std::string>> handovers;
  for (const auto& step : workflowSteps) {
    if (step.second != "in_progress") {
      handovers.push_back(step);
    }
  }
  EXPECT_EQ(handovers, expectedSteps);
}

}  // namespace
