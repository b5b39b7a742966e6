// Editing one image's annotation: the placement cursor, edits with unlimited undo/redo, and a
// revision counter that autosave watches. All coordinates are image pixel space (see Point).
#pragma once

#include "core/annotation.h"

#include <optional>
#include <vector>

namespace spinemark::core {

struct LandmarkRef {
  Level level = Level::L5;
  Slot slot = Slot::SuperiorFirst;
  bool operator==(const LandmarkRef&) const = default;
};

class AnnotationSession {
 public:
  AnnotationSession(ImageAnnotation annotation, Level startLevel);

  const ImageAnnotation& annotation() const { return m_annotation; }
  // Incremented by every change, undo and redo; never decreases.
  unsigned long revision() const { return m_revision; }
  void setUser(std::string user) { m_user = std::move(user); }

  // The landmark that the next placement fills.
  LandmarkRef current() const { return m_current; }
  void setCurrent(LandmarkRef ref) { m_current = ref; }
  std::optional<Point> pointAt(LandmarkRef ref) const;

  // Places the current landmark at position, then advances to the next empty slot of the same
  // vertebra; after the sixth slot the vertebra above becomes current.
  void placeCurrent(Point position);
  void nextLandmark();      // cycles through the six slots, then moves up one level
  void previousLandmark();  // the reverse of nextLandmark
  void nextVertebra();      // one level up the spine, first slot
  void previousVertebra();  // one level down, first slot
  void nudgeCurrent(double dx, double dy);  // no-op when the current landmark is not placed
  // Sets every slot of one vertebra at once (nullopt clears a slot) as one undo step, for
  // accepting predicted landmarks; the cursor then moves to the vertebra above, first empty slot.
  void setVertebraPoints(Level level, const std::array<std::optional<Point>, SlotCount>& points);
  void deleteCurrent();

  // Dragging moves a point live; the whole drag is one undo step.
  void beginDrag(LandmarkRef ref);
  void dragTo(Point position);
  void endDrag();
  bool dragging() const { return m_dragStart.has_value(); }

  // Returns the placed landmark nearest to position within maxDistance (image pixels).
  std::optional<LandmarkRef> hitTest(Point position, double maxDistance) const;

  void setOrientation(const Orientation& orientation);

  bool canUndo() const { return !m_undo.empty(); }
  bool canRedo() const { return !m_redo.empty(); }
  void undo();
  void redo();

 private:
  struct Snapshot {
    ImageAnnotation annotation;
    LandmarkRef current;
  };
  void recordUndo();
  void markChanged();
  void setPoint(LandmarkRef ref, std::optional<Point> point);

  ImageAnnotation m_annotation;
  LandmarkRef m_current;
  std::string m_user;
  unsigned long m_revision = 0;
  std::vector<Snapshot> m_undo;
  std::vector<Snapshot> m_redo;
  std::optional<Snapshot> m_dragStart;
  std::optional<LandmarkRef> m_dragRef;
};

}  // namespace spinemark::core
