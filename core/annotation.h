// The annotation of one image: identity of the image, orientation, the placed landmarks with who
// placed them, vertebra statuses, anatomical variants, the review workflow, comments, the audit
// history and active time per user.
#pragma once

#include "core/image.h"
#include "core/levels.h"
#include "core/workflow.h"

#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace spinemark::core {

// A position in image pixel space. The origin is the top-left corner of the top-left pixel,
// +x goes right, +y goes down, and the centre of pixel (column c, row r) is (c + 0.5, r + 0.5).
struct Point {
  double x = 0.0;
  double y = 0.0;
  bool operator==(const Point&) const = default;
};

// Steps per pixel of the grid that positions from the mouse and from nudges are stored on. A
// thousandth of a pixel is far below what anyone can aim at, and it keeps round-trip noise such as
// 290.99999999999983 out of the annotation files.
inline constexpr double StoredStepsPerPixel = 1000.0;

// Returns point rounded to the 1/StoredStepsPerPixel grid.
Point onStoredGrid(Point point);

// The first placement of a point that another user moved later.
struct OriginalPlacement {
  Point position;
  std::string by;
  bool operator==(const OriginalPlacement&) const = default;
};

// Authorship of a point: empty for an unplaced slot. Version 1 points are credited to the file's annotator.
struct PointAuthor {
  std::string by;  // user who last placed or moved the point
  std::optional<OriginalPlacement> original;  // set once a user other than the first one moves it
  bool operator==(const PointAuthor&) const = default;
};

// NotVisible: outside the image or hidden. NotAssessable: visible but too unclear to place.
// A vertebra with either status has no points, and placement continues past it.
enum class VertebraStatus { Visible, NotVisible, NotAssessable };

struct Vertebra {
  std::array<std::optional<Point>, SlotCount> points;
  std::array<PointAuthor, SlotCount> authors;
  VertebraStatus status = VertebraStatus::Visible;

  int placedCount() const;
  bool complete() const { return placedCount() == SlotCount; }
  bool skipped() const { return status != VertebraStatus::Visible; }
  // Complete, or marked as not visible or not assessable: nothing left to place.
  bool finished() const { return complete() || skipped(); }
  // Carries no data: visible and without points. The model drops such entries.
  bool empty() const { return !skipped() && placedCount() == 0; }
  bool operator==(const Vertebra&) const = default;
};

std::string_view vertebraStatusName(VertebraStatus status);  // "visible", "not_visible", "not_assessable"
std::optional<VertebraStatus> parseVertebraStatus(std::string_view name);

// Which image an annotation belongs to. Holds no patient-identifying field.
struct ImageIdentity {
  std::string relativePath;  // relative to the workspace, '/' separated
  int width = 0;
  int height = 0;
  std::string sha256;          // hex digest of the file's bytes
  std::string sopInstanceUid;  // DICOM only
  PixelSpacing spacing;

  bool operator==(const ImageIdentity&) const = default;
};

enum class HistoryAction {
  Place, Move, Delete, Nudge, AcceptPrediction, Orientation, Status, Variant, ShiftLabels, Workflow,
  Comment, Undo, Redo
};

std::string_view historyActionName(HistoryAction action);  // "place", "move", ... "accept_prediction"
std::optional<HistoryAction> parseHistoryAction(std::string_view name);

// One entry of the audit trail. Levels and slots are those at the time of the entry; a later
// shift_labels entry renames levels.
struct HistoryEntry {
  std::string time;  // ISO 8601 UTC
  std::string user;
  HistoryAction action = HistoryAction::Place;
  std::optional<Level> level;
  std::optional<Slot> slot;
  std::optional<Point> from;  // previous position (move, nudge, delete)
  std::optional<Point> to;    // new position (place, move, nudge)
  // Action details: the status name, "+L6"/"-T13" for variants, the shift steps ("+1"), the
  // workflow state, "add 3"/"resolve 3" for comments, or the orientation.
  std::string detail;
  bool operator==(const HistoryEntry&) const = default;
};

struct ImageAnnotation {
  ImageIdentity image;
  Orientation orientation;
  // Vertebrae with at least one point or a non-visible status, by level.
  std::map<Level, Vertebra> vertebrae;
  std::set<Level> variants;  // enabled variant levels: L6 and/or T13
  Workflow workflow;
  std::vector<ReviewComment> comments;
  std::vector<HistoryEntry> history;  // oldest first
  std::map<std::string, double> activeSeconds;  // active editing time per user, idle gaps excluded
  std::string annotator;                // user who last changed the file
  std::string created;                  // ISO 8601 UTC, e.g. 2026-12-04T20:31:07Z
  std::string modified;

  bool operator==(const ImageAnnotation&) const = default;
};

// The image's level sequence from caudal to cranial: the standard levels plus enabled variants.
std::vector<Level> annotationSequence(const ImageAnnotation& annotation);

// True when every vertebra of the image's sequence from startLevel (or from an enabled L6 below
// it) up to T1 is complete or marked not visible/not assessable, or when the workflow state is
// done, approved or corrected.
bool annotationComplete(const ImageAnnotation& annotation, Level startLevel);

// Returns the current time as ISO 8601 UTC with seconds.
std::string utcTimestamp();

}  // namespace spinemark::core
