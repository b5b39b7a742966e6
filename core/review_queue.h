// Work queues of annotators and reviewers, ordered by each image's workflow state. The summaries
// come from the annotation files, and the app refreshes the open image's summary every frame.
#pragma once

#include "core/annotation.h"
#include "core/workspace.h"

#include <optional>
#include <string>
#include <vector>

namespace spinemark::core {

struct ImageSummary {
  WorkflowState state = WorkflowState::New;
  std::string annotator;  // who marked it done or flagged it, else who last changed it
  std::vector<FlagReason> flagReasons;
  int openComments = 0;   // comments not resolved yet
};

ImageSummary summarize(const ImageAnnotation& annotation);

// Summaries of every workspace image, read from its annotation file (New when there is none or
// it cannot be read).
std::vector<ImageSummary> summarizeWorkspace(const Workspace& workspace);

struct ReviewFilter {
  std::string annotator;              // empty: any
  std::optional<FlagReason> reason;   // only flagged images with this reason
};

// The reviewer's queue: flagged images first, then done images not yet reviewed, each group in
// workspace order. Approved, corrected, sent-back and unfinished images are not in it.
std::vector<int> reviewQueue(const std::vector<ImageSummary>& summaries, const ReviewFilter& filter);

// The annotator's queue: images sent back with changes requested first, then new and in-progress
// images, each group in workspace order.
std::vector<int> annotatorQueue(const std::vector<ImageSummary>& summaries);

// Returns the entry after current (before it for step -1). When current is not in the queue it
// returns the first (last) entry, and nullopt for an empty queue or past either end.
std::optional<int> stepInQueue(const std::vector<int>& queue, int current, int step);

}  // namespace spinemark::core
