#include "core/workflow.h"

#include <algorithm>
#include <array>
#include <initializer_list>

namespace spinemark::core {
namespace {

constexpr std::array<std::string_view, 7> StateNames = {
    "new", "in_progress", "done", "flagged", "approved", "changes_requested", "corrected"};
constexpr std::array<std::string_view, 5> ReasonNames = {
    "endplate_not_visible", "level_uncertain", "anatomical_variant", "poor_image", "other"};

std::string listStates(std::initializer_list<WorkflowState> states)
{
  std::string text;
  for (WorkflowState state : states) {
    text += text.empty() ? "" : ", ";
    text += workflowStateName(state);
  }
  return text;
}

// Checks role and current state; on success sets the new state and stamps who and when.
ActionResult transition(Workflow& workflow, const Actor& actor, const std::string& time, std::string_view action,
                        Role role, std::initializer_list<WorkflowState> from, WorkflowState to)
{
  if (actor.role != role) {
    return {std::string(role == Role::Reviewer ? "Only a " : "Only an ") + std::string(roleName(role)) + " can " + std::string(action) + " an image; " +
            (actor.user.empty() ? std::string("this user") : actor.user) + " acts as " +
            std::string(roleName(actor.role)) + "."};
  }
  if (std::find(from.begin(), from.end(), workflow.state) == from.end()) {
    return {"Cannot " + std::string(action) + " an image whose state is " +
            std::string(workflowStateName(workflow.state)) + "; this is allowed only from " + listStates(from) + "."};
  }
  workflow.state = to;
  workflow.changedBy = actor.user;
  workflow.changedAt = time;
  return {};
}

}  // namespace

std::string_view workflowStateName(WorkflowState state)
{
  return StateNames.at(static_cast<std::size_t>(state));
}

std::optional<WorkflowState> parseWorkflowState(std::string_view name)
{
  for (std::size_t i = 0; i < StateNames.size(); ++i) {
    if (name == StateNames[i]) {
      return static_cast<WorkflowState>(i);
    }
  }
  return std::nullopt;
}

std::string_view flagReasonName(FlagReason reason)
{
  return ReasonNames.at(static_cast<std::size_t>(reason));
}

std::optional<FlagReason> parseFlagReason(std::string_view name)
{
  for (std::size_t i = 0; i < ReasonNames.size(); ++i) {
    if (name == ReasonNames[i]) {
      return static_cast<FlagReason>(i);
    }
  }
  return std::nullopt;
}

std::string_view roleName(Role role)
{
  return role == Role::Reviewer ? "reviewer" : "annotator";
}

ActionResult startWork(Workflow& workflow, const Actor& actor, const std::string& time)
{
  Role anyRole = actor.role;
  return transition(workflow, actor, time, "start work on", anyRole, {WorkflowState::New}, WorkflowState::InProgress);
}

ActionResult markDone(Workflow& workflow, const Actor& actor, const std::string& time)
{
  return transition(workflow, actor, time, "mark as done", Role::Annotator,
                    {WorkflowState::New, WorkflowState::InProgress, WorkflowState::ChangesRequested},
                    WorkflowState::Done);
}

ActionResult flag(Workflow& workflow, const Actor& actor, std::vector<FlagReason> reasons, std::string text,
                  const std::string& time)
{
  if (reasons.empty()) {
    return {"Choose at least one reason to flag the image."};
  }
  bool other = std::find(reasons.begin(), reasons.end(), FlagReason::Other) != reasons.end();
  if (other && text.empty()) {
    return {"The flag reason \"other\" needs a text that describes the problem."};
  }
  Workflow flagged = workflow;
  ActionResult result = transition(
      flagged, actor, time, "flag", Role::Annotator,
      {WorkflowState::New, WorkflowState::InProgress, WorkflowState::Done, WorkflowState::ChangesRequested},
      WorkflowState::Flagged);
  if (!result) {
    return result;
  }
  std::sort(reasons.begin(), reasons.end());
  reasons.erase(std::unique(reasons.begin(), reasons.end()), reasons.end());
  flagged.flagReasons = std::move(reasons);
  flagged.flagText = std::move(text);
  workflow = std::move(flagged);
  return {};
}

ActionResult approve(Workflow& workflow, const Actor& actor, const std::string& time)
{
  return transition(workflow, actor, time, "approve", Role::Reviewer,
                    {WorkflowState::Done, WorkflowState::Flagged, WorkflowState::Corrected}, WorkflowState::Approved);
}

ActionResult requestChanges(Workflow& workflow, std::vector<ReviewComment>& comments, const Actor& actor,
                            std::string comment, const std::string& time)
{
  if (comment.empty()) {
    return {"Requesting changes needs a comment that tells the annotator what to change."};
  }
  ActionResult result = transition(workflow, actor, time, "request changes on", Role::Reviewer,
                                   {WorkflowState::Done, WorkflowState::Flagged, WorkflowState::Corrected},
                                   WorkflowState::ChangesRequested);
  if (!result) {
    return result;
  }
  int nextId = 1;
  for (const auto& existing : comments) {
    nextId = std::max(nextId, existing.id + 1);
  }
  comments.push_back({nextId, actor.user, time, std::move(comment), std::nullopt, std::nullopt, false});
  return {};
}

ActionResult markCorrected(Workflow& workflow, const Actor& actor, const std::string& time)
{
  return transition(workflow, actor, time, "mark as corrected", Role::Reviewer,
                    {WorkflowState::Done, WorkflowState::Flagged, WorkflowState::ChangesRequested},
                    WorkflowState::Corrected);
}

ActionResult reopen(Workflow& workflow, const Actor& actor, const std::string& time)
{
  if (actor.role == Role::Annotator) {
    return transition(workflow, actor, time, "reopen", Role::Annotator, {WorkflowState::Done, WorkflowState::Flagged},
                      WorkflowState::InProgress);
  }
  return transition(workflow, actor, time, "reopen", Role::Reviewer,
                    {WorkflowState::Approved, WorkflowState::Corrected, WorkflowState::ChangesRequested},
                    WorkflowState::InProgress);
}

bool workflowFinished(WorkflowState state)
{
  return state == WorkflowState::Done || state == WorkflowState::Approved || state == WorkflowState::Corrected;
}

}  // namespace spinemark::core
