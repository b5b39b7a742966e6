// The review sections of annotation schema version 2: variants, workflow, comments, active time
// and history (format: docs/annotation-format.md).
#include "core/annotation_json_detail.h"

#include <cmath>
#include <limits>
#include <set>

namespace spinemark::core::json_detail {
namespace {

void appendOptionalLevelAndSlot(std::string& out, std::optional<Level> level, std::optional<Slot> slot,
                                const Orientation& orientation)
{
  if (level) {
    out += ", \"level\": ";
    appendString(out, levelName(*level));
  }
  if (slot) {
    out += ", \"landmark\": ";
    appendString(out, landmarkName(*slot, orientation));
  }
}

void appendPair(std::string& out, std::string_view key, Point point)
{
  out += ", ";
  appendString(out, key);
  out += ": [";
  appendNumber(out, point.x);
  out += ", ";
  appendNumber(out, point.y);
  out += "]";
}

std::optional<Level> readOptionalLevel(const Reader& reader, simdjson::dom::object parent, const std::string& where)
{
  auto element = reader.optionalField(parent, "level");
  if (!element) {
    return std::nullopt;
  }
  std::string label = reader.string(*element, where + ".level");
  std::optional<Level> level = parseLevel(label);
  if (!level) {
    reader.fail(where + ".level \"" + label + "\" is not a vertebra level (L6 to L1, T13 to T1)");
  }
  return level;
}

std::optional<Slot> readOptionalSlot(const Reader& reader, simdjson::dom::object parent, const std::string& where,
                                     const Orientation& orientation)
{
  auto element = reader.optionalField(parent, "landmark");
  if (!element) {
    return std::nullopt;
  }
  std::string name = reader.string(*element, where + ".landmark");
  std::optional<Slot> slot = parseLandmarkName(name, orientation);
  if (!slot) {
    reader.fail(where + ".landmark \"" + name + "\" is not a landmark name of a " +
                std::string(viewName(orientation.view)) + " view with this orientation");
  }
  return slot;
}

std::optional<Point> readOptionalPair(const Reader& reader, simdjson::dom::object parent, std::string_view key,
                                      const std::string& where)
{
  auto element = reader.optionalField(parent, key);
  if (!element) {
    return std::nullopt;
  }
  std::string pairWhere = Reader::joinPath(where, key);
  simdjson::dom::array pair = reader.array(*element, pairWhere);
  if (pair.size() != 2) {
    reader.fail(pairWhere + " must hold two numbers, x and y");
  }
  std::array<double, 2> values{};
  for (std::size_t i = 0; i < 2; ++i) {
    values[i] = reader.number(pair.at(i).value_unsafe(), pairWhere + "[" + std::to_string(i) + "]");
    if (!std::isfinite(values[i]) || std::abs(values[i]) > MaxCoordinate) {
      reader.fail(pairWhere + " is out of range: coordinates must be finite image pixels within +-" +
                  std::to_string(static_cast<long long>(MaxCoordinate)));
    }
  }
  return Point{values[0], values[1]};
}

}  // namespace

void appendVariants(std::string& out, const ImageAnnotation& annotation)
{
  appendKey(out, 1, "variants");
  out += "[";
  bool first = true;
  for (Level level : annotation.variants) {
    out += first ? "" : ", ";
    first = false;
    appendString(out, levelName(level));
  }
  out += "],\n";
}

void appendWorkflow(std::string& out, const ImageAnnotation& annotation)
{
  const Workflow& workflow = annotation.workflow;
  requireUtf8(workflow.changedBy, "user of the workflow state", annotation);
  requireUtf8(workflow.flagText, "flag text", annotation);
  appendKey(out, 1, "workflow");
  out += "{\"state\": ";
  appendString(out, workflowStateName(workflow.state));
  out += ", \"by\": ";
  appendString(out, workflow.changedBy);
  out += ", \"at\": ";
  appendString(out, workflow.changedAt);
  out += ", \"flag_reasons\": [";
  for (std::size_t i = 0; i < workflow.flagReasons.size(); ++i) {
    out += i == 0 ? "" : ", ";
    appendString(out, flagReasonName(workflow.flagReasons[i]));
  }
  out += "], \"flag_text\": ";
  appendString(out, workflow.flagText);
  out += "},\n";
}

void appendComments(std::string& out, const ImageAnnotation& annotation)
{
  appendKey(out, 1, "comments");
  out += "[";
  bool first = true;
  for (const ReviewComment& comment : annotation.comments) {
    requireUtf8(comment.author, "author of a comment", annotation);
    requireUtf8(comment.text, "text of a comment", annotation);
    out += first ? "\n    {\"id\": " : ",\n    {\"id\": ";
    first = false;
    appendNumber(out, static_cast<long long>(comment.id));
    out += ", \"author\": ";
    appendString(out, comment.author);
    out += ", \"time\": ";
    appendString(out, comment.time);
    out += ", \"text\": ";
    appendString(out, comment.text);
    appendOptionalLevelAndSlot(out, comment.level, comment.slot, annotation.orientation);
    out += comment.resolved ? ", \"resolved\": true}" : ", \"resolved\": false}";
  }
  out += first ? "],\n" : "\n  ],\n";
}

void appendActiveSeconds(std::string& out, const ImageAnnotation& annotation)
{
  appendKey(out, 1, "active_seconds");
  out += "{";
  bool first = true;
  for (const auto& [user, seconds] : annotation.activeSeconds) {
    requireUtf8(user, "user name of the active time", annotation);
    out += first ? "" : ", ";
    first = false;
    appendString(out, user);
    out += ": ";
    appendNumber(out, seconds);
  }
  out += "},\n";
}

// One line per entry keeps a long history readable and its diff small.
void appendHistory(std::string& out, const ImageAnnotation& annotation)
{
  appendKey(out, 1, "history");
  out += "[";
  bool first = true;
  for (const HistoryEntry& item : annotation.history) {
    requireUtf8(item.user, "user of a history entry", annotation);
    requireUtf8(item.detail, "detail of a history entry", annotation);
    for (const auto& point : {item.from, item.to}) {
      if (point) {
        requireFinite(*point, item.level.value_or(Level::L5), annotation);
      }
    }
    out += first ? "\n    {\"time\": " : ",\n    {\"time\": ";
    first = false;
    appendString(out, item.time);
    out += ", \"user\": ";
    appendString(out, item.user);
    out += ", \"action\": ";
    appendString(out, historyActionName(item.action));
    appendOptionalLevelAndSlot(out, item.level, item.slot, annotation.orientation);
    if (item.from) {
      appendPair(out, "from", *item.from);
    }
    if (item.to) {
      appendPair(out, "to", *item.to);
    }
    if (!item.detail.empty()) {
      out += ", \"detail\": ";
      appendString(out, item.detail);
    }
    out += "}";
  }
  out += first ? "],\n" : "\n  ],\n";
}

std::set<Level> readVariants(const Reader& reader, simdjson::dom::object root)
{
  std::set<Level> variants;
  std::size_t index = 0;
  for (simdjson::dom::element item : reader.array(reader.field(root, "variants", ""), "variants")) {
    std::string where = "variants[" + std::to_string(index++) + "]";
    std::string label = reader.string(item, where);
    std::optional<Level> level = parseLevel(label);
    if (!level || !isVariantLevel(*level)) {
      reader.fail(where + " is \"" + label + "\", expected \"L6\" or \"T13\"");
    }
    if (!variants.insert(*level).second) {
      reader.fail(where + " \"" + label + "\" appears more than once");
    }
  }
  return variants;
}

Workflow readWorkflow(const Reader& reader, simdjson::dom::object root)
{
  simdjson::dom::object object = reader.object(reader.field(root, "workflow", ""), "workflow");
  Workflow workflow;
  std::string state = reader.stringField(object, "state", "workflow");
  std::optional<WorkflowState> parsed = parseWorkflowState(state);
  if (!parsed) {
    reader.fail("workflow.state is \"" + state +
                "\", expected new, in_progress, done, flagged, approved, changes_requested or corrected");
  }
  workflow.state = *parsed;
  workflow.changedBy = reader.stringField(object, "by", "workflow");
  workflow.changedAt = reader.stringField(object, "at", "workflow");
  std::size_t index = 0;
  for (auto item : reader.array(reader.field(object, "flag_reasons", "workflow"), "workflow.flag_reasons")) {
    std::string where = "workflow.flag_reasons[" + std::to_string(index++) + "]";
    std::string name = reader.string(item, where);
    std::optional<FlagReason> reason = parseFlagReason(name);
    if (!reason) {
      reader.fail(where + " is \"" + name +
                  "\", expected endplate_not_visible, level_uncertain, anatomical_variant, poor_image or other");
    }
    workflow.flagReasons.push_back(*reason);
  }
  workflow.flagText = reader.stringField(object, "flag_text", "workflow");
  return workflow;
}

std::vector<ReviewComment> readComments(const Reader& reader, simdjson::dom::object root,
                                        const Orientation& orientation)
{
  std::vector<ReviewComment> comments;
  std::set<int> ids;
  std::size_t index = 0;
  for (auto item : reader.array(reader.field(root, "comments", ""), "comments")) {
    std::string where = "comments[" + std::to_string(index++) + "]";
    simdjson::dom::object object = reader.object(item, where);
    ReviewComment comment;
    std::int64_t id = reader.integer(reader.field(object, "id", where), where + ".id");
    if (id < 1 || id > std::numeric_limits<int>::max() || !ids.insert(static_cast<int>(id)).second) {
      reader.fail(where + ".id " + std::to_string(id) + " must be a positive integer used by no other comment");
    }
    comment.id = static_cast<int>(id);
    comment.author = reader.stringField(object, "author", where);
    comment.time = reader.stringField(object, "time", where);
    comment.text = reader.stringField(object, "text", where);
    comment.level = readOptionalLevel(reader, object, where);
    comment.slot = readOptionalSlot(reader, object, where, orientation);
    if (comment.slot && !comment.level) {
      reader.fail(where + " names a landmark but no level");
    }
    comment.resolved = reader.boolean(reader.field(object, "resolved", where), where + ".resolved");
    comments.push_back(std::move(comment));
  }
  return comments;
}

// Ten years of seconds: anything larger is corrupt.
constexpr double MaxActiveSeconds = 10.0 * 365 * 24 * 3600;

std::map<std::string, double> readActiveSeconds(const Reader& reader, simdjson::dom::object root)
{
  std::map<std::string, double> result;
  for (auto [user, value] : reader.object(reader.field(root, "active_seconds", ""), "active_seconds")) {
    std::string where = "active_seconds." + std::string(user);
    double seconds = reader.number(value, where);
    if (!std::isfinite(seconds) || seconds < 0.0 || seconds > MaxActiveSeconds) {
      reader.fail(where + " must be a number of seconds from 0 to " +
                  std::to_string(static_cast<long long>(MaxActiveSeconds)));
    }
    result.emplace(std::string(user), seconds);
  }
  return result;
}

std::vector<HistoryEntry> readHistory(const Reader& reader, simdjson::dom::object root, const Orientation& orientation)
{
  std::vector<HistoryEntry> history;
  std::size_t index = 0;
  for (auto item : reader.array(reader.field(root, "history", ""), "history")) {
    std::string where = "history[" + std::to_string(index++) + "]";
    simdjson::dom::object object = reader.object(item, where);
    HistoryEntry entry;
    entry.time = reader.stringField(object, "time", where);
    entry.user = reader.stringField(object, "user", where);
    std::string action = reader.stringField(object, "action", where);
    std::optional<HistoryAction> parsed = parseHistoryAction(action);
    if (!parsed) {
      reader.fail(where + ".action \"" + action + "\" is not a known action");
    }
    entry.action = *parsed;
    entry.level = readOptionalLevel(reader, object, where);
    entry.slot = readOptionalSlot(reader, object, where, orientation);
    entry.from = readOptionalPair(reader, object, "from", where);
    entry.to = readOptionalPair(reader, object, "to", where);
    if (auto detail = reader.optionalField(object, "detail")) {
      entry.detail = reader.string(*detail, where + ".detail");
    }
    history.push_back(std::move(entry));
  }
  return history;
}

}  // namespace spinemark::core::json_detail
