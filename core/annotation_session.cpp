#include "core/annotation_session.h"

#include <cmath>

namespace spinemark::core {

namespace {

Slot slotAt(int index)
{
  return static_cast<Slot>(index);
}

int slotIndex(Slot slot)
{
  return static_cast<int>(slot);
}

// The first empty slot of a vertebra in slot order starting at `from` and wrapping, or nullopt
// when all six are placed.
std::optional<Slot> firstEmptySlot(const ImageAnnotation& annotation, Level level, int from)
{
  auto found = annotation.vertebrae.find(level);
  if (found == annotation.vertebrae.end()) {
    return slotAt(from % SlotCount);
  }
  for (int step = 0; step < SlotCount; ++step) {
    int index = (from + step) % SlotCount;
    if (!found->second.points[index]) {
      return slotAt(index);
    }
  }
  return std::nullopt;
}

}  // namespace

AnnotationSession::AnnotationSession(ImageAnnotation annotation, Level startLevel)
    : m_annotation(std::move(annotation)),
      m_current{startLevel, firstEmptySlot(m_annotation, startLevel, 0).value_or(Slot::SuperiorFirst)}
{
}

std::optional<Point> AnnotationSession::pointAt(LandmarkRef ref) const
{
  auto found = m_annotation.vertebrae.find(ref.level);
  if (found == m_annotation.vertebrae.end()) {
    return std::nullopt;
  }
  return found->second.points[slotIndex(ref.slot)];
}

void AnnotationSession::placeCurrent(Point position)
{
  recordUndo();
  setPoint(m_current, position);
  markChanged();

  if (auto empty = firstEmptySlot(m_annotation, m_current.level, slotIndex(m_current.slot) + 1)) {
    m_current.slot = *empty;
    return;
  }
  // The vertebra is complete: continue cranially. At T1 the cursor stays on the last point.
  if (auto above = levelAbove(m_current.level)) {
    m_current = {*above, firstEmptySlot(m_annotation, *above, 0).value_or(Slot::SuperiorFirst)};
  }
}

void AnnotationSession::setVertebraPoints(Level level, const std::array<std::optional<Point>, SlotCount>& points)
{
  recordUndo();
  for (int slot = 0; slot < SlotCount; ++slot) {
    setPoint({level, slotAt(slot)}, points[static_cast<std::size_t>(slot)]);
  }
  markChanged();
  if (auto empty = firstEmptySlot(m_annotation, level, 0)) {
    m_current = {level, *empty};
  } else if (auto above = levelAbove(level)) {
    m_current = {*above, firstEmptySlot(m_annotation, *above, 0).value_or(Slot::SuperiorFirst)};
  }
}

void AnnotationSession::nextLandmark()
{
  if (m_current.slot != Slot::InferiorSecond) {
    m_current.slot = slotAt(slotIndex(m_current.slot) + 1);
    return;
  }
  if (auto above = levelAbove(m_current.level)) {
    m_current = {*above, Slot::SuperiorFirst};
  }
}

void AnnotationSession::previousLandmark()
{
  if (m_current.slot != Slot::SuperiorFirst) {
    m_current.slot = slotAt(slotIndex(m_current.slot) - 1);
    return;
  }
  if (auto below = levelBelow(m_current.level)) {
    m_current = {*below, Slot::InferiorSecond};
  }
}

void AnnotationSession::nextVertebra()
{
  if (auto above = levelAbove(m_current.level)) {
    m_current = {*above, Slot::SuperiorFirst};
  }
}

void AnnotationSession::previousVertebra()
{
  if (auto below = levelBelow(m_current.level)) {
    m_current = {*below, Slot::SuperiorFirst};
  }
}

void AnnotationSession::nudgeCurrent(double dx, double dy)
{
  std::optional<Point> point = pointAt(m_current);
  if (!point) {
    return;
  }
  recordUndo();
  setPoint(m_current, Point{point->x + dx, point->y + dy});
  markChanged();
}

void AnnotationSession::deleteCurrent()
{
  if (!pointAt(m_current)) {
    return;
  }
  recordUndo();
  setPoint(m_current, std::nullopt);
  markChanged();
}

void AnnotationSession::beginDrag(LandmarkRef ref)
{
  if (dragging() || !pointAt(ref)) {
    return;
  }
  m_dragStart = Snapshot{m_annotation, m_current};
  m_dragRef = ref;
  m_current = ref;
}

void AnnotationSession::dragTo(Point position)
{
  if (!dragging() || pointAt(*m_dragRef) == position) {
    return;
  }
  setPoint(*m_dragRef, position);
  markChanged();
}

void AnnotationSession::endDrag()
{
  if (!dragging()) {
    return;
  }
  Snapshot start = std::move(*m_dragStart);
  LandmarkRef ref = *m_dragRef;
  m_dragStart.reset();
  m_dragRef.reset();

  auto startVertebra = start.annotation.vertebrae.find(ref.level);
  std::optional<Point> startPoint = startVertebra->second.points[slotIndex(ref.slot)];
  if (pointAt(ref) == startPoint) {
    return;
  }
  m_undo.push_back(std::move(start));
  m_redo.clear();
}

std::optional<LandmarkRef> AnnotationSession::hitTest(Point position, double maxDistance) const
{
  std::optional<LandmarkRef> nearest;
  double nearestDistance = maxDistance;
  for (const auto& [level, vertebra] : m_annotation.vertebrae) {
    for (int i = 0; i < SlotCount; ++i) {
      if (!vertebra.points[i]) {
        continue;
      }
      double distance = std::hypot(vertebra.points[i]->x - position.x, vertebra.points[i]->y - position.y);
      if (distance <= nearestDistance) {
        nearestDistance = distance;
        nearest = LandmarkRef{level, slotAt(i)};
      }
    }
  }
  return nearest;
}

void AnnotationSession::setOrientation(const Orientation& orientation)
{
  if (orientation == m_annotation.orientation) {
    return;
  }
  recordUndo();
  m_annotation.orientation = orientation;
  markChanged();
}

void AnnotationSession::undo()
{
  endDrag();
  if (m_undo.empty()) {
    return;
  }
  m_redo.push_back(Snapshot{m_annotation, m_current});
  m_annotation = std::move(m_undo.back().annotation);
  m_current = m_undo.back().current;
  m_undo.pop_back();
  markChanged();
}

void AnnotationSession::redo()
{
  endDrag();
  if (m_redo.empty()) {
    return;
  }
  m_undo.push_back(Snapshot{m_annotation, m_current});
  m_annotation = std::move(m_redo.back().annotation);
  m_current = m_redo.back().current;
  m_redo.pop_back();
  markChanged();
}

void AnnotationSession::recordUndo()
{
  m_undo.push_back(Snapshot{m_annotation, m_current});
  m_redo.clear();
}

// Undo and redo also count as changes: the file on disk differs afterwards, so the modification
// time and annotator are those of the undo, not of the restored state.
void AnnotationSession::markChanged()
{
  ++m_revision;
  m_annotation.modified = utcTimestamp();
  if (m_annotation.created.empty()) {
    m_annotation.created = m_annotation.modified;
  }
  if (!m_user.empty()) {
    m_annotation.annotator = m_user;
  }
}

void AnnotationSession::setPoint(LandmarkRef ref, std::optional<Point> point)
{
  Vertebra& vertebra = m_annotation.vertebrae[ref.level];
  vertebra.points[slotIndex(ref.slot)] = point;
  if (vertebra.placedCount() == 0) {
    m_annotation.vertebrae.erase(ref.level);
  }
}

}  // namespace spinemark::core
