// Vertebra statuses, variants, label shifts, workflow actions, comments, history, provenance and
// active time of AnnotationSession.
#include "core/annotation_session.h"

#include <gtest/gtest.h>

namespace spinemark::core {
namespace {

AnnotationSession makeSession(const std::string& user = "reader1")
{
  ImageAnnotation annotation;
  annotation.image.relativePath = "case/a.png";
  annotation.image.width = 1000;
  annotation.image.height = 2000;
  AnnotationSession session(annotation, Level::L5);
  session.setUser(user);
  return session;
}

void placeSix(AnnotationSession& session, double offset)
{
  for (int i = 0; i < SlotCount; ++i) {
    session.placeCurrent(Point{offset + i, offset + 10.0 * i});
  }
}

TEST(VertebraStatusTest, PlacementSkipsNotVisibleVertebra)
{
  AnnotationSession session = makeSession();
  session.setVertebraStatus(Level::L4, VertebraStatus::NotVisible);
  placeSix(session, 10.0);
  EXPECT_EQ(session.current(), (LandmarkRef{Level::L3, Slot::SuperiorFirst}));
  EXPECT_EQ(session.annotation().vertebrae.at(Level::L4).status, VertebraStatus::NotVisible);
  EXPECT_EQ(session.nextLevelUp(Level::L5), Level::L3);
  EXPECT_EQ(session.nextLevelDown(Level::L3), Level::L5);
}

TEST(VertebraStatusTest, StatusClearsPointsAndUndoRestoresThem)
{
  AnnotationSession session = makeSession();
  placeSix(session, 10.0);
  session.setVertebraStatus(Level::L5, VertebraStatus::NotAssessable);
  const Vertebra& l5 = session.annotation().vertebrae.at(Level::L5);
  EXPECT_EQ(l5.placedCount(), 0);
  EXPECT_TRUE(l5.finished());
  session.undo();
  EXPECT_EQ(session.annotation().vertebrae.at(Level::L5).placedCount(), 6);
  EXPECT_EQ(session.annotation().vertebrae.at(Level::L5).status, VertebraStatus::Visible);
}

TEST(VertebraStatusTest, VisibleAgainDropsEmptyEntry)
{
  AnnotationSession session = makeSession();
  session.setVertebraStatus(Level::L2, VertebraStatus::NotVisible);
  session.setVertebraStatus(Level::L2, VertebraStatus::Visible);
  EXPECT_EQ(session.annotation().vertebrae.count(Level::L2), 0u);
}

TEST(VertebraStatusTest, CursorLeavesVertebraMarkedNotVisible)
{
  AnnotationSession session = makeSession();
  session.setVertebraStatus(Level::L5, VertebraStatus::NotVisible);
  EXPECT_EQ(session.current().level, Level::L4);
}

TEST(VariantTest, InsertedL6JoinsSequence)
{
  AnnotationSession session = makeSession();
  EXPECT_EQ(session.nextLevelDown(Level::L5), std::nullopt);
  ASSERT_TRUE(session.insertLevel(Level::L6));
  EXPECT_EQ(session.nextLevelDown(Level::L5), Level::L6);
  ASSERT_TRUE(session.insertLevel(Level::T13));
  EXPECT_EQ(session.nextLevelUp(Level::L1), Level::T13);
  EXPECT_EQ(session.nextLevelUp(Level::T13), Level::T12);
  EXPECT_EQ(session.sequence().size(), 19u);
}

TEST(VariantTest, InsertRejectsStandardLevel)
{
  AnnotationSession session = makeSession();
  ActionResult result = session.insertLevel(Level::L4);
  EXPECT_FALSE(result);
  EXPECT_NE(result.error.find("L4"), std::string::npos) << result.error;
}

TEST(VariantTest, RemoveRejectsLevelWithPoints)
{
  AnnotationSession session = makeSession();
  ASSERT_TRUE(session.insertLevel(Level::L6));
  session.setCurrent({Level::L6, Slot::SuperiorFirst});
  session.placeCurrent({1, 2});
  ActionResult result = session.removeLevel(Level::L6);
  EXPECT_FALSE(result);
  EXPECT_NE(result.error.find("still has 1 landmarks"), std::string::npos) << result.error;
  session.deleteCurrent();
  session.setCurrent({Level::L6, Slot::SuperiorFirst});
  session.deleteCurrent();
  EXPECT_TRUE(session.removeLevel(Level::L6));
  EXPECT_EQ(session.annotation().variants.count(Level::L6), 0u);
}

TEST(ShiftLabelsTest, ShiftUpRenamesEveryVertebra)
{
  AnnotationSession session = makeSession();
  placeSix(session, 10.0);
  session.placeCurrent({5, 5});  // L4, first slot
  ASSERT_TRUE(session.shiftLabels(+1));
  EXPECT_EQ(session.annotation().vertebrae.count(Level::L5), 0u);
  EXPECT_EQ(session.annotation().vertebrae.at(Level::L4).placedCount(), 6);
  EXPECT_EQ(session.annotation().vertebrae.at(Level::L3).placedCount(), 1);
  session.undo();
  EXPECT_EQ(session.annotation().vertebrae.at(Level::L5).placedCount(), 6);
}

TEST(ShiftLabelsTest, ShiftDownFixesT12ForL1)
{
  AnnotationSession session = makeSession();
  session.setCurrent({Level::T12, Slot::SuperiorFirst});
  session.placeCurrent({1, 1});
  ASSERT_TRUE(session.shiftLabels(-1));
  EXPECT_EQ(session.annotation().vertebrae.count(Level::L1), 1u);
  // With T13 enabled, T12 moves down to T13 instead.
  session.undo();
  ASSERT_TRUE(session.insertLevel(Level::T13));
  ASSERT_TRUE(session.shiftLabels(-1));
  EXPECT_EQ(session.annotation().vertebrae.count(Level::T13), 1u);
}

TEST(ShiftLabelsTest, RejectsShiftPastEnd)
{
  AnnotationSession session = makeSession();
  session.placeCurrent({1, 1});  // L5
  ActionResult result = session.shiftLabels(-1);
  EXPECT_FALSE(result);
  EXPECT_NE(result.error.find("bottom (L5)"), std::string::npos) << result.error;
  EXPECT_EQ(session.annotation().vertebrae.count(Level::L5), 1u);
}

TEST(SessionWorkflowTest, FirstEditStartsWorkAndDoneIsRecorded)
{
  AnnotationSession session = makeSession();
  session.placeCurrent({1, 1});
  EXPECT_EQ(session.annotation().workflow.state, WorkflowState::InProgress);
  ASSERT_TRUE(session.markDone(Role::Annotator));
  EXPECT_EQ(session.annotation().workflow.state, WorkflowState::Done);
  EXPECT_EQ(session.annotation().workflow.changedBy, "reader1");
  const HistoryEntry& last = session.annotation().history.back();
  EXPECT_EQ(last.action, HistoryAction::Workflow);
  EXPECT_EQ(last.detail, "done");
}

TEST(SessionWorkflowTest, RequestChangesAddsImageComment)
{
  AnnotationSession session = makeSession("radiologist");
  ASSERT_TRUE(session.markDone(Role::Annotator));
  unsigned long before = session.revision();
  ASSERT_TRUE(session.requestChanges(Role::Reviewer, "L3 corners are off"));
  EXPECT_GT(session.revision(), before);
  ASSERT_EQ(session.annotation().comments.size(), 1u);
  EXPECT_EQ(session.annotation().comments[0].text, "L3 corners are off");
  EXPECT_FALSE(session.annotation().comments[0].level.has_value());
}

TEST(SessionWorkflowTest, IllegalActionChangesNothing)
{
  AnnotationSession session = makeSession();
  unsigned long before = session.revision();
  EXPECT_FALSE(session.approve(Role::Reviewer));
  EXPECT_EQ(session.revision(), before);
  EXPECT_TRUE(session.annotation().history.empty());
}

TEST(CommentTest, AddAndResolveLandmarkComment)
{
  AnnotationSession session = makeSession("radiologist");
  ASSERT_TRUE(session.addComment("move to the corner", Level::L4, Slot::InferiorFirst));
  ASSERT_TRUE(session.addComment("check the whole image"));
  EXPECT_EQ(session.annotation().comments[1].id, 2);
  ASSERT_TRUE(session.resolveComment(1));
  EXPECT_TRUE(session.annotation().comments[0].resolved);
  EXPECT_FALSE(session.resolveComment(9));
  EXPECT_FALSE(session.addComment(""));
  EXPECT_FALSE(session.addComment("no level", std::nullopt, Slot::InferiorFirst));
}

TEST(ProvenanceTest, ReviewerMoveKeepsOriginal)
{
  AnnotationSession session = makeSession("annotator");
  session.placeCurrent({10, 20});
  session.setUser("reviewer");
  LandmarkRef ref{Level::L5, Slot::SuperiorFirst};
  session.beginDrag(ref);
  session.dragTo({11, 20});
  session.dragTo({12, 21});
  session.endDrag();

  PointProvenance provenance = session.pointProvenance(ref);
  EXPECT_EQ(provenance.position, (Point{12, 21}));
  EXPECT_EQ(provenance.author.by, "reviewer");
  ASSERT_TRUE(provenance.author.original.has_value());
  EXPECT_EQ(provenance.author.original->position, (Point{10, 20}));
  EXPECT_EQ(provenance.author.original->by, "annotator");
  // One place and one move entry: the drag's steps merge into one.
  ASSERT_EQ(provenance.history.size(), 2u);
  EXPECT_EQ(provenance.history[1].action, HistoryAction::Move);
  EXPECT_EQ(provenance.history[1].from, (Point{10, 20}));
  EXPECT_EQ(provenance.history[1].to, (Point{12, 21}));
}

TEST(ProvenanceTest, SameUserMoveKeepsNoOriginal)
{
  AnnotationSession session = makeSession("annotator");
  session.placeCurrent({10, 20});
  session.setCurrent({Level::L5, Slot::SuperiorFirst});
  session.nudgeCurrent(1, 0);
  session.nudgeCurrent(1, 0);
  PointProvenance provenance = session.pointProvenance({Level::L5, Slot::SuperiorFirst});
  EXPECT_FALSE(provenance.author.original.has_value());
  // Consecutive nudges merge into one entry.
  ASSERT_EQ(provenance.history.size(), 2u);
  EXPECT_EQ(provenance.history[1].action, HistoryAction::Nudge);
  EXPECT_EQ(provenance.history[1].to, (Point{12, 20}));
}

TEST(ProvenanceTest, FollowsLabelShift)
{
  AnnotationSession session = makeSession();
  session.placeCurrent({10, 20});
  ASSERT_TRUE(session.shiftLabels(+1));
  PointProvenance provenance = session.pointProvenance({Level::L4, Slot::SuperiorFirst});
  ASSERT_EQ(provenance.history.size(), 1u);
  EXPECT_EQ(provenance.history[0].action, HistoryAction::Place);
  EXPECT_EQ(provenance.history[0].level, Level::L5);
}

TEST(ProvenanceTest, IgnoresMalformedShiftEntry)
{
  ImageAnnotation annotation;
  annotation.vertebrae[Level::L5].points[0] = Point{1, 2};
  annotation.history.push_back({"t", "u", HistoryAction::Place, Level::L5, Slot::SuperiorFirst, std::nullopt,
                                Point{1, 2}, ""});
  annotation.history.push_back({"t", "u", HistoryAction::ShiftLabels, std::nullopt, std::nullopt, std::nullopt,
                                std::nullopt, "one up"});
  AnnotationSession session(annotation, Level::L5);
  PointProvenance provenance = session.pointProvenance({Level::L5, Slot::SuperiorFirst});
  EXPECT_EQ(provenance.history.size(), 1u);
}

TEST(HistoryTest, UndoIsRecordedAndHistoryKept)
{
  AnnotationSession session = makeSession();
  session.placeCurrent({10, 20});
  session.undo();
  const auto& history = session.annotation().history;
  ASSERT_GE(history.size(), 2u);
  EXPECT_EQ(history.front().action, HistoryAction::Place);
  EXPECT_EQ(history.back().action, HistoryAction::Undo);
}

TEST(ActiveTimeTest, IdleGapAddsNothing)
{
  AnnotationSession session = makeSession();
  auto start = std::chrono::system_clock::time_point{} + std::chrono::hours(1000);
  session.recordActivity("reader1", start);
  session.recordActivity("reader1", start + std::chrono::seconds(30));
  session.recordActivity("reader1", start + std::chrono::seconds(91));  // 61 s idle
  session.recordActivity("reader1", start + std::chrono::milliseconds(91500));
  session.recordActivity("reader2", start + std::chrono::seconds(100));
  EXPECT_DOUBLE_EQ(session.annotation().activeSeconds.at("reader1"), 30.5);
  EXPECT_EQ(session.annotation().activeSeconds.count("reader2"), 0u);
}

TEST(ActiveTimeTest, GapOfExactlyLimitCounts)
{
  AnnotationSession session = makeSession();
  auto start = std::chrono::system_clock::time_point{} + std::chrono::hours(1000);
  unsigned long before = session.revision();
  session.recordActivity("reader1", start);
  session.recordActivity("reader1", start + AnnotationSession::IdleLimit);
  EXPECT_DOUBLE_EQ(session.annotation().activeSeconds.at("reader1"), 60.0);
  EXPECT_GT(session.revision(), before);
}

TEST(CompletionTest, SkippedVertebraeCountAsFinished)
{
  AnnotationSession session = makeSession();
  auto sequence = session.sequence();
  for (Level level : sequence) {
    session.setVertebraStatus(level, VertebraStatus::NotVisible);
  }
  session.setVertebraStatus(Level::T1, VertebraStatus::Visible);
  EXPECT_FALSE(annotationComplete(session.annotation(), Level::L5));
  session.setVertebraStatus(Level::T1, VertebraStatus::NotAssessable);
  EXPECT_TRUE(annotationComplete(session.annotation(), Level::L5));
  ASSERT_TRUE(session.insertLevel(Level::L6));
  EXPECT_FALSE(annotationComplete(session.annotation(), Level::L5));
}

TEST(CompletionTest, DoneStateCompletesImage)
{
  AnnotationSession session = makeSession();
  session.placeCurrent({1, 1});
  EXPECT_FALSE(annotationComplete(session.annotation(), Level::L5));
  ASSERT_TRUE(session.markDone(Role::Annotator));
  EXPECT_TRUE(annotationComplete(session.annotation(), Level::L5));
}

}  // namespace
}  // namespace spinemark::core

namespace spinemark::core {
namespace {

TEST(AnnotationSessionResume, StartsAtFirstUnfinishedVertebra)
{
  ImageAnnotation annotation;
  for (int slot = 0; slot < SlotCount; ++slot) {
    annotation.vertebrae[Level::L5].points[static_cast<std::size_t>(slot)] = Point{1.0 + slot, 2.0};
  }
  annotation.vertebrae[Level::L4].status = VertebraStatus::NotVisible;
  annotation.vertebrae[Level::L3].points[0] = Point{5.0, 5.0};
  const AnnotationSession session(annotation, Level::L5);
  EXPECT_EQ(session.current().level, Level::L3);
  EXPECT_EQ(session.current().slot, Slot::SuperiorMiddle);
}

}  // namespace
}  // namespace spinemark::core
