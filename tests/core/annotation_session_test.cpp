#include "core/annotation_session.h"

#include <gtest/gtest.h>

namespace spinemark::core {
namespace {

AnnotationSession makeSession(Level start = Level::L5)
{
  ImageAnnotation annotation;
  annotation.image.relativePath = "case/a.png";
  annotation.image.width = 1000;
  annotation.image.height = 2000;
  return AnnotationSession(annotation, start);
}

void placeSix(AnnotationSession& session, double offset)
{
  for (int i = 0; i < SlotCount; ++i) {
    session.placeCurrent(Point{offset + i, offset + 10.0 * i});
  }
}

TEST(AnnotationSessionTest, StartsAtFirstSlotOfStartLevel)
{
  AnnotationSession session = makeSession(Level::L3);
  EXPECT_EQ(session.current(), (LandmarkRef{Level::L3, Slot::SuperiorFirst}));
  EXPECT_EQ(session.revision(), 0u);
  EXPECT_FALSE(session.canUndo());
}

TEST(AnnotationSessionTest, PlaceAdvancesThroughSlots)
{
  AnnotationSession session = makeSession();
  session.placeCurrent({1.0, 2.0});
  EXPECT_EQ(session.current(), (LandmarkRef{Level::L5, Slot::SuperiorMiddle}));
  EXPECT_EQ(session.pointAt({Level::L5, Slot::SuperiorFirst}), (Point{1.0, 2.0}));
  EXPECT_EQ(session.revision(), 1u);
}

TEST(AnnotationSessionTest, CompleteVertebraMovesUp)
{
  AnnotationSession session = makeSession();
  placeSix(session, 100.0);
  EXPECT_EQ(session.current(), (LandmarkRef{Level::L4, Slot::SuperiorFirst}));
  EXPECT_TRUE(session.annotation().vertebrae.at(Level::L5).complete());
  placeSix(session, 200.0);
  EXPECT_EQ(session.current(), (LandmarkRef{Level::L3, Slot::SuperiorFirst}));
}

TEST(AnnotationSessionTest, PlaceSkipsFilledSlotsAndWraps)
{
  AnnotationSession session = makeSession();
  session.setCurrent({Level::L5, Slot::InferiorFirst});
  session.placeCurrent({1, 1});  // InferiorFirst
  session.placeCurrent({2, 2});  // InferiorMiddle
  session.placeCurrent({3, 3});  // InferiorSecond, then wraps to SuperiorFirst
  EXPECT_EQ(session.current(), (LandmarkRef{Level::L5, Slot::SuperiorFirst}));
  session.setCurrent({Level::L5, Slot::InferiorMiddle});
  session.placeCurrent({4, 4});  // replaces a placed point, next empty after it wraps to SuperiorFirst
  EXPECT_EQ(session.current(), (LandmarkRef{Level::L5, Slot::SuperiorFirst}));
  EXPECT_EQ(session.pointAt({Level::L5, Slot::InferiorMiddle}), (Point{4, 4}));
}

TEST(AnnotationSessionTest, CompleteVertebraAboveTakesFirstEmptySlot)
{
  ImageAnnotation annotation;
  annotation.vertebrae[Level::L4].points[0] = Point{5, 5};
  AnnotationSession session(annotation, Level::L5);
  placeSix(session, 0.0);
  EXPECT_EQ(session.current(), (LandmarkRef{Level::L4, Slot::SuperiorMiddle}));
}

TEST(AnnotationSessionTest, StaysAtT1WhenComplete)
{
  AnnotationSession session = makeSession(Level::T1);
  placeSix(session, 0.0);
  EXPECT_EQ(session.current().level, Level::T1);
  EXPECT_EQ(session.current().slot, Slot::InferiorSecond);
}

TEST(AnnotationSessionTest, NextLandmarkCrossesToVertebraAbove)
{
  AnnotationSession session = makeSession();
  for (int i = 0; i < SlotCount - 1; ++i) {
    session.nextLandmark();
  }
  EXPECT_EQ(session.current(), (LandmarkRef{Level::L5, Slot::InferiorSecond}));
  session.nextLandmark();
  EXPECT_EQ(session.current(), (LandmarkRef{Level::L4, Slot::SuperiorFirst}));
  session.previousLandmark();
  EXPECT_EQ(session.current(), (LandmarkRef{Level::L5, Slot::InferiorSecond}));
  EXPECT_EQ(session.revision(), 0u);
  EXPECT_TRUE(session.annotation().vertebrae.empty());
}

TEST(AnnotationSessionTest, NavigationStopsAtEnds)
{
  AnnotationSession session = makeSession(Level::L5);
  session.previousLandmark();
  EXPECT_EQ(session.current(), (LandmarkRef{Level::L5, Slot::SuperiorFirst}));
  session.previousVertebra();
  EXPECT_EQ(session.current().level, Level::L5);
  session.setCurrent({Level::T1, Slot::InferiorSecond});
  session.nextLandmark();
  EXPECT_EQ(session.current(), (LandmarkRef{Level::T1, Slot::InferiorSecond}));
}

TEST(AnnotationSessionTest, VertebraNavigationGoesToFirstSlot)
{
  AnnotationSession session = makeSession(Level::L1);
  session.setCurrent({Level::L1, Slot::InferiorMiddle});
  session.nextVertebra();
  EXPECT_EQ(session.current(), (LandmarkRef{Level::T12, Slot::SuperiorFirst}));
  session.previousVertebra();
  session.previousVertebra();
  EXPECT_EQ(session.current(), (LandmarkRef{Level::L2, Slot::SuperiorFirst}));
}

TEST(AnnotationSessionTest, UndoRedoRestoresPointsAndCursor)
{
  AnnotationSession session = makeSession();
  session.placeCurrent({1, 1});
  session.placeCurrent({2, 2});
  ASSERT_TRUE(session.canUndo());
  session.undo();
  EXPECT_EQ(session.pointAt({Level::L5, Slot::SuperiorMiddle}), std::nullopt);
  EXPECT_EQ(session.current(), (LandmarkRef{Level::L5, Slot::SuperiorMiddle}));
  session.undo();
  EXPECT_TRUE(session.annotation().vertebrae.empty());
  EXPECT_EQ(session.current(), (LandmarkRef{Level::L5, Slot::SuperiorFirst}));
  EXPECT_FALSE(session.canUndo());
  session.redo();
  session.redo();
  EXPECT_EQ(session.pointAt({Level::L5, Slot::SuperiorMiddle}), (Point{2, 2}));
  EXPECT_EQ(session.current(), (LandmarkRef{Level::L5, Slot::SuperiorSecond}));
}

TEST(AnnotationSessionTest, UndoIsUnlimited)
{
  AnnotationSession session = makeSession();
  for (int i = 0; i < 60; ++i) {
    session.placeCurrent({double(i), double(i)});
  }
  int undone = 0;
  while (session.canUndo()) {
    session.undo();
    ++undone;
  }
  EXPECT_EQ(undone, 60);
  EXPECT_TRUE(session.annotation().vertebrae.empty());
}

TEST(AnnotationSessionTest, NewEditClearsRedo)
{
  AnnotationSession session = makeSession();
  session.placeCurrent({1, 1});
  session.undo();
  ASSERT_TRUE(session.canRedo());
  session.placeCurrent({3, 3});
  EXPECT_FALSE(session.canRedo());
  EXPECT_EQ(session.pointAt({Level::L5, Slot::SuperiorFirst}), (Point{3, 3}));
}

TEST(AnnotationSessionTest, RevisionGrowsOnUndoAndRedo)
{
  AnnotationSession session = makeSession();
  session.placeCurrent({1, 1});
  unsigned long afterPlace = session.revision();
  session.undo();
  EXPECT_GT(session.revision(), afterPlace);
  unsigned long afterUndo = session.revision();
  session.redo();
  EXPECT_GT(session.revision(), afterUndo);
}

TEST(AnnotationSessionTest, NudgeMovesPlacedPoint)
{
  AnnotationSession session = makeSession();
  session.placeCurrent({10, 20});
  session.setCurrent({Level::L5, Slot::SuperiorFirst});
  session.nudgeCurrent(0.5, -1.0);
  EXPECT_EQ(session.pointAt({Level::L5, Slot::SuperiorFirst}), (Point{10.5, 19.0}));
  session.undo();
  EXPECT_EQ(session.pointAt({Level::L5, Slot::SuperiorFirst}), (Point{10, 20}));
}

TEST(AnnotationSessionTest, NudgesLandOnThousandthPixelGrid)
{
  AnnotationSession session = makeSession();
  session.placeCurrent({291, 20});
  session.setCurrent({Level::L5, Slot::SuperiorFirst});
  for (int i = 0; i < 3; ++i) {
    session.nudgeCurrent(0.1, 0.0);
  }
  // Plain addition gives 291.30000000000007; the stored value is the double closest to 291.3.
  EXPECT_EQ(session.pointAt({Level::L5, Slot::SuperiorFirst})->x, 291.3);
}

TEST(AnnotationSessionTest, NudgeOfEmptySlotChangesNothing)
{
  AnnotationSession session = makeSession();
  session.nudgeCurrent(1.0, 1.0);
  EXPECT_EQ(session.revision(), 0u);
  EXPECT_FALSE(session.canUndo());
  EXPECT_TRUE(session.annotation().vertebrae.empty());
}

TEST(AnnotationSessionTest, DeleteRemovesEmptyVertebra)
{
  AnnotationSession session = makeSession();
  session.placeCurrent({10, 20});
  session.setCurrent({Level::L5, Slot::SuperiorFirst});
  session.deleteCurrent();
  EXPECT_EQ(session.annotation().vertebrae.count(Level::L5), 0u);
  session.undo();
  EXPECT_EQ(session.pointAt({Level::L5, Slot::SuperiorFirst}), (Point{10, 20}));
}

TEST(AnnotationSessionTest, DragIsOneUndoStep)
{
  AnnotationSession session = makeSession();
  session.placeCurrent({10, 10});
  session.beginDrag({Level::L5, Slot::SuperiorFirst});
  EXPECT_TRUE(session.dragging());
  unsigned long before = session.revision();
  session.dragTo({11, 11});
  EXPECT_GT(session.revision(), before);
  session.dragTo({12, 13});
  session.dragTo({14, 15});
  session.endDrag();
  EXPECT_FALSE(session.dragging());
  EXPECT_EQ(session.pointAt({Level::L5, Slot::SuperiorFirst}), (Point{14, 15}));
  session.undo();
  EXPECT_EQ(session.pointAt({Level::L5, Slot::SuperiorFirst}), (Point{10, 10}));
  ASSERT_TRUE(session.canUndo());
  session.undo();
  EXPECT_FALSE(session.canUndo());
}

TEST(AnnotationSessionTest, DragWithoutMoveAddsNoUndo)
{
  AnnotationSession session = makeSession();
  session.placeCurrent({10, 10});
  session.undo();
  session.redo();
  ASSERT_TRUE(session.canUndo());
  session.beginDrag({Level::L5, Slot::SuperiorFirst});
  session.endDrag();
  session.undo();
  EXPECT_FALSE(session.canUndo());
}

TEST(AnnotationSessionTest, DragOfEmptySlotIsIgnored)
{
  AnnotationSession session = makeSession();
  session.beginDrag({Level::L4, Slot::SuperiorFirst});
  EXPECT_FALSE(session.dragging());
  session.dragTo({1, 1});
  session.endDrag();
  EXPECT_TRUE(session.annotation().vertebrae.empty());
}

TEST(AnnotationSessionTest, HitTestFindsNearestWithinDistance)
{
  AnnotationSession session = makeSession();
  session.placeCurrent({10, 10});
  session.placeCurrent({20, 10});
  auto hit = session.hitTest({18, 10}, 5.0);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(*hit, (LandmarkRef{Level::L5, Slot::SuperiorMiddle}));
  EXPECT_EQ(session.hitTest({50, 50}, 5.0), std::nullopt);
}

TEST(AnnotationSessionTest, OrientationChangeRenamesWithoutMoving)
{
  AnnotationSession session = makeSession();
  session.placeCurrent({10, 10});
  Orientation lateral{View::Lateral, false, Orientation::Source::Annotator};
  session.setOrientation(lateral);
  EXPECT_EQ(session.annotation().orientation, lateral);
  EXPECT_EQ(session.pointAt({Level::L5, Slot::SuperiorFirst}), (Point{10, 10}));
  session.undo();
  EXPECT_EQ(session.annotation().orientation, Orientation{});
}

TEST(AnnotationSessionTest, ChangeStampsUserAndTime)
{
  AnnotationSession session = makeSession();
  session.setUser("reader1");
  session.placeCurrent({10, 10});
  EXPECT_EQ(session.annotation().annotator, "reader1");
  EXPECT_EQ(session.annotation().modified.size(), std::string("2026-12-04T20:31:07Z").size());
  EXPECT_EQ(session.annotation().modified.back(), 'Z');
  EXPECT_FALSE(session.annotation().created.empty());
}

TEST(AnnotationSessionTest, SetVertebraPointsIsOneUndoStep)
{
  AnnotationSession session(ImageAnnotation{}, Level::L5);
  std::array<std::optional<Point>, SlotCount> points;
  for (int slot = 0; slot < SlotCount; ++slot) {
    points[static_cast<std::size_t>(slot)] = Point{10.0 + slot, 20.0};
  }
  session.setVertebraPoints(Level::L4, points);
  ASSERT_TRUE(session.annotation().vertebrae.count(Level::L4));
  EXPECT_TRUE(session.annotation().vertebrae.at(Level::L4).complete());
  EXPECT_EQ(session.current().level, Level::L3);
  EXPECT_EQ(session.current().slot, Slot::SuperiorFirst);
  session.undo();
  EXPECT_FALSE(session.annotation().vertebrae.count(Level::L4));
  EXPECT_FALSE(session.canUndo());
}

}  // namespace
}  // namespace spinemark::core
