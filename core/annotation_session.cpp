#include "core/annotation_session.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

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

std::string signedSteps(int steps)
{
  return (steps > 0 ? "+" : "") + std::to_string(steps);
}

// The level steps places along sequence from level, or nullopt past either end.
std::optional<Level> shiftedLevel(const std::vector<Level>& sequence, Level level, int steps)
{
  auto found = std::find(sequence.begin(), sequence.end(), level);
  if (found == sequence.end()) {
    return std::nullopt;
  }
  long index = static_cast<long>(found - sequence.begin()) + steps;
  if (index < 0 || index >= static_cast<long>(sequence.size())) {
    return std::nullopt;
  }
  return sequence[static_cast<std::size_t>(index)];
}

}  // namespace

AnnotationSession::AnnotationSession(ImageAnnotation annotation, Level startLevel)
    : m_annotation(std::move(annotation)),
      m_current{startLevel, firstEmptySlot(m_annotation, startLevel, 0).value_or(Slot::SuperiorFirst)}
{
  // Reopening an image resumes where the work stopped: the first vertebra from startLevel up
  // that is neither complete nor marked not visible or not assessable.
  Level level = startLevel;
  for (auto found = m_annotation.vertebrae.find(level);
       found != m_annotation.vertebrae.end() && found->second.finished();
       found = m_annotation.vertebrae.find(level)) {
    const auto above = nextLevelUp(level);
    if (!above) {
      break;
    }
    level = *above;
  }
  m_current = {level, firstEmptySlot(m_annotation, level, 0).value_or(Slot::SuperiorFirst)};
}

std::optional<Point> AnnotationSession::pointAt(LandmarkRef ref) const
{
  auto found = m_annotation.vertebrae.find(ref.level);
  if (found == m_annotation.vertebrae.end()) {
    return std::nullopt;
  }
  return found->second.points[slotIndex(ref.slot)];
}

std::vector<Level> AnnotationSession::sequence() const
{
  return annotationSequence(m_annotation);
}

// The sequence is sorted by the Level enum, so a level outside it (a disabled variant) still
// finds its neighbours by comparison.
std::optional<Level> AnnotationSession::nextLevelUp(Level level) const
{
  for (Level candidate : sequence()) {
    auto found = m_annotation.vertebrae.find(candidate);
    bool skipped = found != m_annotation.vertebrae.end() && found->second.skipped();
    if (candidate > level && !skipped) {
      return candidate;
    }
  }
  return std::nullopt;
}

std::optional<Level> AnnotationSession::nextLevelDown(Level level) const
{
  std::vector<Level> levels = sequence();
  for (auto candidate = levels.rbegin(); candidate != levels.rend(); ++candidate) {
    auto found = m_annotation.vertebrae.find(*candidate);
    bool skipped = found != m_annotation.vertebrae.end() && found->second.skipped();
    if (*candidate < level && !skipped) {
      return *candidate;
    }
  }
  return std::nullopt;
}

void AnnotationSession::placeCurrent(Point position)
{
  recordUndo();
  HistoryEntry placed = entry(HistoryAction::Place, m_current.level, m_current.slot);
  placed.from = pointAt(m_current);
  placed.to = position;
  auto existing = m_annotation.vertebrae.find(m_current.level);
  if (existing != m_annotation.vertebrae.end() && existing->second.skipped()) {
    existing->second.status = VertebraStatus::Visible;
    placed.detail = "visible";
  }
  setPoint(m_current, position);
  record(std::move(placed));
  markChanged();

  if (auto empty = firstEmptySlot(m_annotation, m_current.level, slotIndex(m_current.slot) + 1)) {
    m_current.slot = *empty;
    return;
  }
  // The vertebra is complete: continue cranially. At the top the cursor stays on the last point.
  moveCursorToNextEmpty(m_current.level);
}

void AnnotationSession::setVertebraPoints(Level level, const std::array<std::optional<Point>, SlotCount>& points)
{
  recordUndo();
  int changed = 0;
  bool anyPoint = std::any_of(points.begin(), points.end(), [](const auto& p) { return p.has_value(); });
  auto existing = m_annotation.vertebrae.find(level);
  if (anyPoint && existing != m_annotation.vertebrae.end() && existing->second.skipped()) {
    existing->second.status = VertebraStatus::Visible;
  }
  for (int slot = 0; slot < SlotCount; ++slot) {
    const auto& point = points[static_cast<std::size_t>(slot)];
    // Unchanged points keep their authors.
    if (pointAt({level, slotAt(slot)}) != point) {
      setPoint({level, slotAt(slot)}, point);
      ++changed;
    }
  }
  HistoryEntry accepted = entry(HistoryAction::AcceptPrediction, level);
  accepted.detail = std::to_string(changed) + " changed";
  record(std::move(accepted));
  markChanged();
  if (auto empty = firstEmptySlot(m_annotation, level, 0)) {
    m_current = {level, *empty};
  } else {
    moveCursorToNextEmpty(level);
  }
}

void AnnotationSession::nextLandmark()
{
  if (m_current.slot != Slot::InferiorSecond) {
    m_current.slot = slotAt(slotIndex(m_current.slot) + 1);
    return;
  }
  if (auto above = nextLevelUp(m_current.level)) {
    m_current = {*above, Slot::SuperiorFirst};
  }
}

void AnnotationSession::previousLandmark()
{
  if (m_current.slot != Slot::SuperiorFirst) {
    m_current.slot = slotAt(slotIndex(m_current.slot) - 1);
    return;
  }
  if (auto below = nextLevelDown(m_current.level)) {
    m_current = {*below, Slot::InferiorSecond};
  }
}

void AnnotationSession::nextVertebra()
{
  if (auto above = nextLevelUp(m_current.level)) {
    m_current = {*above, Slot::SuperiorFirst};
  }
}

void AnnotationSession::previousVertebra()
{
  if (auto below = nextLevelDown(m_current.level)) {
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
  // On the stored grid, three 0.1 px nudges from 291 give 291.3, not 291.30000000000007.
  const Point moved = onStoredGrid({point->x + dx, point->y + dy});
  setPoint(m_current, moved);

  // A run of arrow-key nudges on one landmark by one user becomes a single entry.
  HistoryEntry nudged = entry(HistoryAction::Nudge, m_current.level, m_current.slot);
  auto& history = m_annotation.history;
  if (!history.empty() && history.back().action == HistoryAction::Nudge && history.back().user == nudged.user &&
      history.back().level == nudged.level && history.back().slot == nudged.slot) {
    history.back().to = moved;
    history.back().time = nudged.time;
  } else {
    nudged.from = point;
    nudged.to = moved;
    record(std::move(nudged));
  }
  markChanged();
}

void AnnotationSession::deleteCurrent()
{
  std::optional<Point> point = pointAt(m_current);
  if (!point) {
    return;
  }
  recordUndo();
  setPoint(m_current, std::nullopt);
  HistoryEntry deleted = entry(HistoryAction::Delete, m_current.level, m_current.slot);
  deleted.from = point;
  record(std::move(deleted));
  markChanged();
}

void AnnotationSession::beginDrag(LandmarkRef ref)
{
  if (dragging() || !pointAt(ref)) {
    return;
  }
  m_dragStart = snapshot();
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

  auto startVertebra = start.vertebrae.find(ref.level);
  std::optional<Point> startPoint = startVertebra->second.points[slotIndex(ref.slot)];
  if (pointAt(ref) == startPoint) {
    // Back where it started: drop any author change the intermediate steps made.
    m_annotation.vertebrae = start.vertebrae;
    return;
  }
  HistoryEntry moved = entry(HistoryAction::Move, ref.level, ref.slot);
  moved.from = startPoint;
  moved.to = pointAt(ref);
  record(std::move(moved));
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
  HistoryEntry changed = entry(HistoryAction::Orientation);
  changed.detail = std::string(viewName(orientation.view)) +
                   (orientation.view == View::Lateral ? " anterior_on=" : " patient_right_on=") +
                   (orientation.firstSideIsRightOrAnterior ? "image_left" : "image_right");
  record(std::move(changed));
  markChanged();
}

void AnnotationSession::setVertebraStatus(Level level, VertebraStatus status)
{
  auto found = m_annotation.vertebrae.find(level);
  VertebraStatus current = found == m_annotation.vertebrae.end() ? VertebraStatus::Visible : found->second.status;
  bool hasPoints = found != m_annotation.vertebrae.end() && found->second.placedCount() > 0;
  if (current == status && !(status != VertebraStatus::Visible && hasPoints)) {
    return;
  }
  recordUndo();
  Vertebra& vertebra = m_annotation.vertebrae[level];
  if (status != VertebraStatus::Visible) {
    vertebra.points = {};
    vertebra.authors = {};
  }
  vertebra.status = status;
  if (vertebra.empty()) {
    m_annotation.vertebrae.erase(level);
  }
  HistoryEntry changed = entry(HistoryAction::Status, level);
  changed.detail = vertebraStatusName(status);
  record(std::move(changed));
  markChanged();
  if (status != VertebraStatus::Visible && m_current.level == level) {
    moveCursorToNextEmpty(level);
  }
}

ActionResult AnnotationSession::insertLevel(Level level)
{
  if (!isVariantLevel(level)) {
    return {"Only the variants L6 and T13 can be inserted; " + std::string(levelName(level)) +
            " is part of every spine's sequence."};
  }
  if (m_annotation.variants.count(level) != 0) {
    return {};
  }
  recordUndo();
  m_annotation.variants.insert(level);
  HistoryEntry changed = entry(HistoryAction::Variant, level);
  changed.detail = "+" + std::string(levelName(level));
  record(std::move(changed));
  markChanged();
  return {};
}

ActionResult AnnotationSession::removeLevel(Level level)
{
  if (!isVariantLevel(level)) {
    return {"Only the variants L6 and T13 can be removed; " + std::string(levelName(level)) +
            " is part of every spine's sequence."};
  }
  if (m_annotation.variants.count(level) == 0) {
    return {};
  }
  auto found = m_annotation.vertebrae.find(level);
  if (found != m_annotation.vertebrae.end() && found->second.placedCount() > 0) {
    return {"Cannot remove " + std::string(levelName(level)) + ": it still has " +
            std::to_string(found->second.placedCount()) +
            " landmarks. Delete them, or shift the labels, before removing the level."};
  }
  recordUndo();
  m_annotation.variants.erase(level);
  m_annotation.vertebrae.erase(level);
  HistoryEntry changed = entry(HistoryAction::Variant, level);
  changed.detail = "-" + std::string(levelName(level));
  record(std::move(changed));
  markChanged();
  if (m_current.level == level) {
    moveCursorToNextEmpty(level);
  }
  return {};
}

ActionResult AnnotationSession::shiftLabels(int steps)
{
  if (steps == 0) {
    return {};
  }
  std::vector<Level> levels = sequence();
  std::map<Level, Vertebra> shifted;
  for (const auto& [level, vertebra] : m_annotation.vertebrae) {
    std::optional<Level> target = shiftedLevel(levels, level, steps);
    if (!target) {
      return {"Cannot shift the labels by " + signedSteps(steps) + ": " + std::string(levelName(level)) +
              " would move past the " + (steps > 0 ? "top (" : "bottom (") +
              std::string(levelName(steps > 0 ? levels.back() : levels.front())) +
              ") of this image's sequence. Insert a variant level or delete that vertebra first."};
    }
    shifted.emplace(*target, vertebra);
  }
  recordUndo();
  m_annotation.vertebrae = std::move(shifted);
  if (auto cursor = shiftedLevel(levels, m_current.level, steps)) {
    m_current.level = *cursor;
  }
  HistoryEntry changed = entry(HistoryAction::ShiftLabels);
  changed.detail = signedSteps(steps);
  record(std::move(changed));
  markChanged();
  return {};
}

ActionResult AnnotationSession::applyWorkflow(ActionResult result)
{
  if (!result) {
    return result;
  }
  HistoryEntry changed = entry(HistoryAction::Workflow);
  changed.detail = workflowStateName(m_annotation.workflow.state);
  record(std::move(changed));
  markChanged();
  return result;
}

ActionResult AnnotationSession::markDone(Role role)
{
  return applyWorkflow(core::markDone(m_annotation.workflow, {m_user, role}, utcTimestamp()));
}

ActionResult AnnotationSession::flag(Role role, std::vector<FlagReason> reasons, std::string text)
{
  return applyWorkflow(core::flag(m_annotation.workflow, {m_user, role}, std::move(reasons), std::move(text),
                                  utcTimestamp()));
}

ActionResult AnnotationSession::approve(Role role)
{
  return applyWorkflow(core::approve(m_annotation.workflow, {m_user, role}, utcTimestamp()));
}

ActionResult AnnotationSession::requestChanges(Role role, std::string comment)
{
  return applyWorkflow(core::requestChanges(m_annotation.workflow, m_annotation.comments, {m_user, role},
                                            std::move(comment), utcTimestamp()));
}

ActionResult AnnotationSession::markCorrected(Role role)
{
  return applyWorkflow(core::markCorrected(m_annotation.workflow, {m_user, role}, utcTimestamp()));
}

ActionResult AnnotationSession::reopen(Role role)
{
  return applyWorkflow(core::reopen(m_annotation.workflow, {m_user, role}, utcTimestamp()));
}

ActionResult AnnotationSession::addComment(std::string text, std::optional<Level> level, std::optional<Slot> slot)
{
  if (text.empty()) {
    return {"A comment needs text."};
  }
  if (slot && !level) {
    return {"A comment on a landmark needs the landmark's vertebra level."};
  }
  int id = 1;
  for (const auto& existing : m_annotation.comments) {
    id = std::max(id, existing.id + 1);
  }
  m_annotation.comments.push_back({id, m_user, utcTimestamp(), std::move(text), level, slot, false});
  HistoryEntry added = entry(HistoryAction::Comment, level, slot);
  added.detail = "add " + std::to_string(id);
  record(std::move(added));
  markChanged();
  return {};
}

ActionResult AnnotationSession::resolveComment(int id)
{
  auto found = std::find_if(m_annotation.comments.begin(), m_annotation.comments.end(),
                            [id](const ReviewComment& comment) { return comment.id == id; });
  if (found == m_annotation.comments.end()) {
    return {"There is no comment " + std::to_string(id) + " on this image."};
  }
  if (found->resolved) {
    return {};
  }
  found->resolved = true;
  HistoryEntry resolved = entry(HistoryAction::Comment, found->level, found->slot);
  resolved.detail = "resolve " + std::to_string(id);
  record(std::move(resolved));
  markChanged();
  return {};
}

void AnnotationSession::recordActivity(const std::string& user, std::chrono::system_clock::time_point time)
{
  auto [last, first] = m_lastActivity.try_emplace(user, time);
  if (first) {
    return;
  }
  auto gap = time - last->second;
  if (gap <= decltype(gap)::zero()) {
    return;
  }
  last->second = time;
  if (gap > IdleLimit) {
    return;
  }
  double& seconds = m_annotation.activeSeconds[user];
  double before = seconds;
  // Whole milliseconds keep the stored numbers short.
  seconds += static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(gap).count()) / 1000.0;
  // Saving on every mouse move would be wasteful: a new revision once per whole second suffices.
  if (std::floor(seconds) != std::floor(before)) {
    ++m_revision;
  }
}

PointProvenance AnnotationSession::pointProvenance(LandmarkRef ref) const
{
  PointProvenance result;
  result.position = pointAt(ref);
  auto found = m_annotation.vertebrae.find(ref.level);
  if (found != m_annotation.vertebrae.end()) {
    result.author = found->second.authors[slotIndex(ref.slot)];
  }
  // Walk back in time, following the landmark's level through label shifts.
  // NOTE: a shift is undone along today's sequence; a variant inserted after the shift can map
  // entries older than it to the wrong level.
  std::vector<Level> levels = sequence();
  std::optional<Level> level = ref.level;
  for (auto item = m_annotation.history.rbegin(); item != m_annotation.history.rend() && level; ++item) {
    if (item->action == HistoryAction::ShiftLabels) {
      // The detail is the signed step count ("+1", "-2"); a hand-edited file may hold anything.
      std::string_view text = item->detail;
      text.remove_prefix(!text.empty() && text.front() == '+' ? 1 : 0);
      int steps = 0;
      auto parsed = std::from_chars(text.data(), text.data() + text.size(), steps);
      if (parsed.ec == std::errc() && parsed.ptr == text.data() + text.size()) {
        level = shiftedLevel(levels, *level, -steps);
      }
      continue;
    }
    if (item->level == level && (!item->slot || item->slot == ref.slot)) {
      result.history.push_back(*item);
    }
  }
  std::reverse(result.history.begin(), result.history.end());
  return result;
}

void AnnotationSession::undo()
{
  endDrag();
  if (m_undo.empty()) {
    return;
  }
  m_redo.push_back(snapshot());
  restore(std::move(m_undo.back()));
  m_undo.pop_back();
  record(entry(HistoryAction::Undo));
  markChanged();
}

void AnnotationSession::redo()
{
  endDrag();
  if (m_redo.empty()) {
    return;
  }
  m_undo.push_back(snapshot());
  restore(std::move(m_redo.back()));
  m_redo.pop_back();
  record(entry(HistoryAction::Redo));
  markChanged();
}

AnnotationSession::Snapshot AnnotationSession::snapshot() const
{
  return {m_annotation.vertebrae, m_annotation.variants, m_annotation.orientation, m_current};
}

void AnnotationSession::restore(Snapshot snapshot)
{
  m_annotation.vertebrae = std::move(snapshot.vertebrae);
  m_annotation.variants = std::move(snapshot.variants);
  m_annotation.orientation = snapshot.orientation;
  m_current = snapshot.current;
}

void AnnotationSession::recordUndo()
{
  m_undo.push_back(snapshot());
  m_redo.clear();
}

// Undo and redo also count as changes: the file on disk differs afterwards, so the modification
// time and annotator are those of the undo, not of the restored state. The first change of a new
// image starts its workflow.
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
  if (m_annotation.workflow.state == WorkflowState::New &&
      startWork(m_annotation.workflow, {m_user, Role::Annotator}, m_annotation.modified)) {
    HistoryEntry started = entry(HistoryAction::Workflow);
    started.detail = workflowStateName(m_annotation.workflow.state);
    record(std::move(started));
  }
  if (m_changeListener) {
    m_changeListener();
  }
}

void AnnotationSession::record(HistoryEntry entry)
{
  m_annotation.history.push_back(std::move(entry));
}

HistoryEntry AnnotationSession::entry(HistoryAction action, std::optional<Level> level, std::optional<Slot> slot) const
{
  HistoryEntry result;
  result.time = utcTimestamp();
  result.user = m_user;
  result.action = action;
  result.level = level;
  result.slot = slot;
  return result;
}

void AnnotationSession::setPoint(LandmarkRef ref, std::optional<Point> point)
{
  Vertebra& vertebra = m_annotation.vertebrae[ref.level];
  std::optional<Point>& stored = vertebra.points[slotIndex(ref.slot)];
  PointAuthor& author = vertebra.authors[slotIndex(ref.slot)];
  if (!point) {
    author = {};
  } else if (!stored) {
    author = {m_user, std::nullopt};
  } else if (author.by != m_user) {
    // Another user moves the point: keep the first placement, once, for the record.
    if (!author.original) {
      author.original = OriginalPlacement{*stored, author.by};
    }
    author.by = m_user;
  }
  stored = point;
  if (vertebra.empty()) {
    m_annotation.vertebrae.erase(ref.level);
  }
}

void AnnotationSession::moveCursorToNextEmpty(Level from)
{
  if (auto above = nextLevelUp(from)) {
    m_current = {*above, firstEmptySlot(m_annotation, *above, 0).value_or(Slot::SuperiorFirst)};
  }
}

}  // namespace spinemark::core
