// Editing one image's annotation: the placement cursor, edits with unlimited undo/redo, vertebra
// statuses, anatomical variants, label shifts, workflow actions, comments, the audit history and
// active time, and a revision counter that autosave watches. All coordinates are image pixel
// space (see Point).
//
// Undo covers points, statuses, variants, label shifts and orientation. Workflow actions and
// comments are not undone (reopen and resolveComment reverse them), and history and active time
// only grow: an undo is itself recorded as a history entry.
#pragma once

#include "core/annotation.h"

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

namespace spinemark::core {

struct LandmarkRef {
  Level level = Level::L5;
  Slot slot = Slot::SuperiorFirst;
  bool operator==(const LandmarkRef&) const = default;
};

// Origin of a point for a history panel: its position, authors and history entries.
struct PointProvenance {
  std::optional<Point> position;  // current position, nullopt when not placed
  PointAuthor author;
  std::vector<HistoryEntry> history;  // entries about this landmark or its whole vertebra, oldest first
};

class AnnotationSession {
 public:
  AnnotationSession(ImageAnnotation annotation, Level startLevel);

  const ImageAnnotation& annotation() const { return m_annotation; }
  // Incremented by every change, undo and redo; never decreases.
  unsigned long revision() const { return m_revision; }
  void setUser(std::string user) { m_user = std::move(user); }
  const std::string& user() const { return m_user; }
  // Sets the function called after every edit, undo and redo, once the annotation contains it (not
  // for active time alone). The workbench writes the recovery journal from it.
  void setChangeListener(std::function<void()> listener) { m_changeListener = std::move(listener); }

  // The landmark that the next placement fills.
  LandmarkRef current() const { return m_current; }
  void setCurrent(LandmarkRef ref) { m_current = ref; }
  std::optional<Point> pointAt(LandmarkRef ref) const;

  // The image's sequence (standard levels and enabled variants), caudal to cranial.
  std::vector<Level> sequence() const;
  // The next level up or down the image's sequence, skipping vertebrae marked not visible or
  // not assessable; nullopt past T1 or below the lowest level. Every cursor move uses these.
  std::optional<Level> nextLevelUp(Level level) const;
  std::optional<Level> nextLevelDown(Level level) const;

  // Places the current landmark at position, then advances to the next empty slot of the same
  // vertebra. After the sixth slot the next vertebra up (nextLevelUp) becomes current. Placing on
  // a vertebra marked not visible or not assessable makes it visible again.
  void placeCurrent(Point position);
  void nextLandmark();      // cycles through the six slots, then moves up one level
  void previousLandmark();  // the reverse of nextLandmark
  void nextVertebra();      // one level up the spine, first slot
  void previousVertebra();  // one level down, first slot
  // Moves the current landmark by (dx, dy) onto the stored grid (onStoredGrid). Does nothing when
  // the landmark is not placed.
  void nudgeCurrent(double dx, double dy);
  // Sets every slot of one vertebra at once (nullopt clears a slot) as one undo step, for
  // accepting predicted landmarks, and records one accept_prediction history entry. The cursor
  // then moves to the first empty slot of that vertebra, or of the next vertebra up when complete.
  void setVertebraPoints(Level level, const std::array<std::optional<Point>, SlotCount>& points);
  void deleteCurrent();

  // Dragging moves a point live; the whole drag is one undo step and one "move" history entry.
  void beginDrag(LandmarkRef ref);
  void dragTo(Point position);
  void endDrag();
  bool dragging() const { return m_dragStart.has_value(); }

  // Returns the placed landmark nearest to position within maxDistance (image pixels).
  std::optional<LandmarkRef> hitTest(Point position, double maxDistance) const;

  void setOrientation(const Orientation& orientation);

  // Marks a vertebra visible, not visible or not assessable (one undo step). A non-visible status
  // removes the vertebra's points. When the cursor is on it, the cursor moves to nextLevelUp.
  void setVertebraStatus(Level level, VertebraStatus status);

  // Enables the variant L6 or T13 so that the sequence visits it. Rejects other levels.
  ActionResult insertLevel(Level level);
  // Disables a variant again. Rejects other levels and a variant that still has points.
  ActionResult removeLevel(Level level);
  // Renames every vertebra steps levels along the image's sequence, cranially for positive steps
  // (+1: L5 becomes L4, L1 becomes T12), as one undo step. Rejects a shift that would move a label
  // past either end of the sequence.
  ActionResult shiftLabels(int steps);

  // Workflow actions as the session's user in the given role (see core/workflow.h). Each success
  // is recorded in the history; none is undoable.
  ActionResult markDone(Role role);
  ActionResult flag(Role role, std::vector<FlagReason> reasons, std::string text);
  ActionResult approve(Role role);
  ActionResult requestChanges(Role role, std::string comment);
  ActionResult markCorrected(Role role);
  ActionResult reopen(Role role);

  // Adds a comment on the image (no level), a vertebra (level) or a landmark (level and slot);
  // the new comment is annotation().comments.back(). Rejects empty text and a slot without a level.
  ActionResult addComment(std::string text, std::optional<Level> level = std::nullopt,
                          std::optional<Slot> slot = std::nullopt);
  ActionResult resolveComment(int id);

  // Accumulates active time: the gap since the user's previous activity counts when it is at most
  // IdleLimit; a longer gap adds nothing. Times earlier than the previous one add nothing either.
  void recordActivity(const std::string& user, std::chrono::system_clock::time_point time);
  static constexpr std::chrono::seconds IdleLimit{60};

  // The current point, its authors and every history entry about it.
  PointProvenance pointProvenance(LandmarkRef ref) const;

  bool canUndo() const { return !m_undo.empty(); }
  bool canRedo() const { return !m_redo.empty(); }
  void undo();
  void redo();

 private:
  // The undoable part of the annotation plus the cursor.
  struct Snapshot {
    std::map<Level, Vertebra> vertebrae;
    std::set<Level> variants;
    Orientation orientation;
    LandmarkRef current;
  };
  Snapshot snapshot() const;
  void restore(Snapshot snapshot);
  void recordUndo();
  void markChanged();
  void record(HistoryEntry entry);
  HistoryEntry entry(HistoryAction action, std::optional<Level> level = std::nullopt,
                     std::optional<Slot> slot = std::nullopt) const;
  void setPoint(LandmarkRef ref, std::optional<Point> point);
  void moveCursorToNextEmpty(Level from);
  ActionResult applyWorkflow(ActionResult result);

  ImageAnnotation m_annotation;
  LandmarkRef m_current;
  std::string m_user;
  unsigned long m_revision = 0;
  std::vector<Snapshot> m_undo;
  std::vector<Snapshot> m_redo;
  std::optional<Snapshot> m_dragStart;
  std::optional<LandmarkRef> m_dragRef;
  std::map<std::string, std::chrono::system_clock::time_point> m_lastActivity;
  std::function<void()> m_changeListener;
};

}  // namespace spinemark::core
