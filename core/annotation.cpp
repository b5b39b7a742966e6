#include "core/annotation.h"

#include <cmath>

#include <algorithm>
#include <ctime>

namespace spinemark::core {

namespace {

constexpr std::array<std::string_view, 3> StatusNames = {"visible", "not_visible", "not_assessable"};
constexpr std::array<std::string_view, 13> ActionNames = {
    "place",  "move",    "delete",       "nudge",    "accept_prediction", "orientation", "status",
    "variant", "shift_labels", "workflow", "comment", "undo",              "redo"};

}  // namespace

Point onStoredGrid(Point point)
{
  return {std::round(point.x * StoredStepsPerPixel) / StoredStepsPerPixel,
          std::round(point.y * StoredStepsPerPixel) / StoredStepsPerPixel};
}

int Vertebra::placedCount() const
{
  return static_cast<int>(std::count_if(points.begin(), points.end(), [](const auto& p) { return p.has_value(); }));
}

std::string_view vertebraStatusName(VertebraStatus status)
{
  return StatusNames.at(static_cast<std::size_t>(status));
}

std::optional<VertebraStatus> parseVertebraStatus(std::string_view name)
{
  for (std::size_t i = 0; i < StatusNames.size(); ++i) {
    if (name == StatusNames[i]) {
      return static_cast<VertebraStatus>(i);
    }
  }
  return std::nullopt;
}

std::string_view historyActionName(HistoryAction action)
{
  return ActionNames.at(static_cast<std::size_t>(action));
}

std::optional<HistoryAction> parseHistoryAction(std::string_view name)
{
  for (std::size_t i = 0; i < ActionNames.size(); ++i) {
    if (name == ActionNames[i]) {
      return static_cast<HistoryAction>(i);
    }
  }
  return std::nullopt;
}

std::vector<Level> annotationSequence(const ImageAnnotation& annotation)
{
  return levelSequence(annotation.variants);
}

bool annotationComplete(const ImageAnnotation& annotation, Level startLevel)
{
  if (workflowFinished(annotation.workflow.state)) {
    return true;
  }
  // An enabled L6 lies below the usual start level L5 but still belongs to the image.
  Level lowest = startLevel;
  if (annotation.variants.count(Level::L6) != 0) {
    lowest = std::min(lowest, Level::L6);
  }
  for (Level level : annotationSequence(annotation)) {
    if (level < lowest) {
      continue;
    }
    auto found = annotation.vertebrae.find(level);
    if (found == annotation.vertebrae.end() || !found->second.finished()) {
      return false;
    }
  }
  return true;
}

std::string utcTimestamp()
{
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[sizeof "2026-12-04T20:31:07Z"];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace spinemark::core
