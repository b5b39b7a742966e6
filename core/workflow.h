// Review workflow of one image: the annotator's and the reviewer's states, flag reasons, review
// comments, and the allowed transitions between states. Each action function checks the current
// state and the acting role, records who acted and when, and returns an error text otherwise.
//
// Transitions (role in brackets; "any" means both roles):
//   new, in_progress, changes_requested --markDone [annotator]--> done
//   new, in_progress, done, changes_requested --flag [annotator]--> flagged
//   done, flagged, corrected --approve [reviewer]--> approved
//   done, flagged, corrected --requestChanges [reviewer]--> changes_requested
//   done, flagged, changes_requested --markCorrected [reviewer]--> corrected
//   done, flagged --reopen [annotator]--> in_progress
//   approved, corrected, changes_requested --reopen [reviewer]--> in_progress
//   new --startWork [any]--> in_progress (the session does this on the first edit)
#pragma once

#include "core/levels.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spinemark::core {

enum class WorkflowState { New, InProgress, Done, Flagged, Approved, ChangesRequested, Corrected };

// The fixed list of reasons an annotator can give when flagging an image for review.
enum class FlagReason { EndplateNotVisible, LevelUncertain, AnatomicalVariant, PoorImage, Other };

enum class Role { Annotator, Reviewer };

struct Actor {
  std::string user;
  Role role = Role::Annotator;
};

struct Workflow {
  WorkflowState state = WorkflowState::New;
  std::string changedBy;  // user of the last transition, empty while new
  std::string changedAt;  // ISO 8601 UTC of the last transition
  std::vector<FlagReason> flagReasons;  // set while flagged, kept for the record afterwards
  std::string flagText;                 // free text of the last flag
  bool operator==(const Workflow&) const = default;
};

// A reviewer's (or annotator's) note on the image, one vertebra or one landmark.
struct ReviewComment {
  int id = 0;  // unique within the image, starts at 1
  std::string author;
  std::string time;  // ISO 8601 UTC
  std::string text;
  std::optional<Level> level;  // absent: the comment is about the whole image
  std::optional<Slot> slot;    // present only together with level
  bool resolved = false;
  bool operator==(const ReviewComment&) const = default;
};

// Outcome of an edit or transition: empty error on success.
struct [[nodiscard]] ActionResult {
  std::string error;
  bool ok() const { return error.empty(); }
  explicit operator bool() const { return ok(); }
};

std::string_view workflowStateName(WorkflowState state);  // "new", "in_progress", ... "corrected"
std::optional<WorkflowState> parseWorkflowState(std::string_view name);
std::string_view flagReasonName(FlagReason reason);  // "endplate_not_visible", ... "other"
std::optional<FlagReason> parseFlagReason(std::string_view name);
std::string_view roleName(Role role);  // "annotator", "reviewer"

// Transitions; time is ISO 8601 UTC. On error the workflow is unchanged.
ActionResult startWork(Workflow& workflow, const Actor& actor, const std::string& time);
ActionResult markDone(Workflow& workflow, const Actor& actor, const std::string& time);
// Needs at least one reason; FlagReason::Other needs a non-empty text.
ActionResult flag(Workflow& workflow, const Actor& actor, std::vector<FlagReason> reasons, std::string text,
                  const std::string& time);
ActionResult approve(Workflow& workflow, const Actor& actor, const std::string& time);
// Needs a non-empty image comment, which is appended to comments as a new whole-image comment.
ActionResult requestChanges(Workflow& workflow, std::vector<ReviewComment>& comments, const Actor& actor,
                            std::string comment, const std::string& time);
ActionResult markCorrected(Workflow& workflow, const Actor& actor, const std::string& time);
ActionResult reopen(Workflow& workflow, const Actor& actor, const std::string& time);

// True for the states in which the image counts as finished: done, approved, corrected.
bool workflowFinished(WorkflowState state);

}  // namespace spinemark::core
