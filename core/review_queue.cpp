#include "core/review_queue.h"

#include "core/annotation_json.h"

#include <algorithm>
#include <system_error>

namespace spinemark::core {

ImageSummary summarize(const ImageAnnotation& annotation)
{
  ImageSummary summary;
  summary.state = annotation.workflow.state;
  const bool handedOver = summary.state == WorkflowState::Done || summary.state == WorkflowState::Flagged;
  summary.annotator = handedOver && !annotation.workflow.changedBy.empty() ? annotation.workflow.changedBy
                                                                           : annotation.annotator;
  if (summary.state == WorkflowState::Flagged) {
    summary.flagReasons = annotation.workflow.flagReasons;
  }
  summary.openComments = static_cast<int>(std::count_if(annotation.comments.begin(), annotation.comments.end(),
                                                        [](const ReviewComment& comment) { return !comment.resolved; }));
  return summary;
}

std::vector<ImageSummary> summarizeWorkspace(const Workspace& workspace)
{
  std::vector<ImageSummary> summaries(workspace.images.size());
  for (std::size_t i = 0; i < workspace.images.size(); ++i) {
    const auto path = workspace.annotationPath(workspace.images[i]);
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
      continue;
    }
    try {
      summaries[i] = summarize(readAnnotationFile(path));
    } catch (const std::exception&) {
      // The workbench reports unreadable files when the image is opened; here it stays New.
    }
  }
  return summaries;
}

std::vector<int> reviewQueue(const std::vector<ImageSummary>& summaries, const ReviewFilter& filter)
{
  auto matches = [&](const ImageSummary& summary) {
    if (!filter.annotator.empty() && summary.annotator != filter.annotator) {
      return false;
    }
    return !filter.reason || std::find(summary.flagReasons.begin(), summary.flagReasons.end(), *filter.reason) !=
                                 summary.flagReasons.end();
  };
  std::vector<int> queue;
  for (const WorkflowState state : {WorkflowState::Flagged, WorkflowState::Done}) {
    for (std::size_t i = 0; i < summaries.size(); ++i) {
      if (summaries[i].state == state && matches(summaries[i])) {
        queue.push_back(static_cast<int>(i));
      }
    }
  }
  return queue;
}

std::vector<int> annotatorQueue(const std::vector<ImageSummary>& summaries)
{
  std::vector<int> queue;
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    if (summaries[i].state == WorkflowState::ChangesRequested) {
      queue.push_back(static_cast<int>(i));
    }
  }
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    if (summaries[i].state == WorkflowState::New || summaries[i].state == WorkflowState::InProgress) {
      queue.push_back(static_cast<int>(i));
    }
  }
  return queue;
}

std::optional<int> stepInQueue(const std::vector<int>& queue, int current, int step)
{
  if (queue.empty()) {
    return std::nullopt;
  }
  const auto found = std::find(queue.begin(), queue.end(), current);
  if (found == queue.end()) {
    return step >= 0 ? queue.front() : queue.back();
  }
  const auto position = (found - queue.begin()) + step;
  if (position < 0 || position >= static_cast<long>(queue.size())) {
    return std::nullopt;
  }
  return queue[static_cast<std::size_t>(position)];
}

}  // namespace spinemark::core
