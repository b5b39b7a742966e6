// Workflow and review in the GUI: the dialogs for "done", flagging, sending back and commenting,
// the review panel (state, comments, checks, morphometry, Cobb angle) and the history of a point.
#pragma once

#include "core/quality/checks.h"
#include "core/review_queue.h"
#include "core/workbench.h"

#include <array>
#include <future>
#include <string>
#include <vector>

struct ImDrawList;

namespace spinemark::app {

class Canvas;
struct UiState;

enum class Dialog { None, ConfirmDone, Flag, RequestChanges, Comment };

struct ReviewState {
  core::Role role = core::Role::Annotator;
  Dialog dialog = Dialog::None;
  bool openDialog = false;  // the dialog was requested this frame and must be opened
  std::vector<core::quality::Finding> pendingFindings;  // errors shown by ConfirmDone
  std::array<bool, 5> flagReasons{};                    // indexed like core::FlagReason
  std::string dialogText;
  bool showHistory = false;
  bool showOriginals = false;
  bool showPanel = false;  // the checks and comments panel in annotation mode

  std::vector<core::ImageSummary> summaries;  // one per workspace image
  std::future<std::vector<core::ImageSummary>> scanning;
  core::ReviewFilter filter;

  // Findings of the open image, recomputed when its revision changes.
  std::vector<core::quality::Finding> findings;
  std::string findingsImage;
  unsigned long findingsRevision = ~0UL;
};

inline constexpr float ReviewPanelWidth = 360.0f;

// Starts reading every annotation file's workflow state in the background.
void startSummaryScan(ReviewState& review, const core::Workspace& workspace);
// Takes the finished scan and refreshes the open image's summary and findings.
void refreshReviewState(ReviewState& review, const core::Workbench& workbench);

// Workflow actions from the key table; each reports failures through messages.
void requestMarkDone(ReviewState& review, core::Workbench& workbench, UiState& ui);
void requestFlag(ReviewState& review);
void requestChanges(ReviewState& review, UiState& ui);
void requestComment(ReviewState& review);
void runWorkflowAction(core::ActionResult result, const char* success, UiState& ui);

// True while a dialog is open: the app's single-key shortcuts stay off then.
bool dialogOpen(const ReviewState& review);
void drawDialogs(ReviewState& review, core::Workbench& workbench, UiState& ui);
void drawReviewPanel(ReviewState& review, core::Workbench& workbench, UiState& ui, float x, float height);
void drawHistoryWindow(ReviewState& review, const core::Workbench& workbench);
// Comments next to their points and, when enabled, the annotator's original positions.
void drawReviewOverlay(ImDrawList* drawList, const ReviewState& review, const core::Workbench& workbench,
                       const Canvas& canvas);

// The queue the current mode steps through with Next/Previous image.
std::vector<int> currentQueue(const ReviewState& review);

}  // namespace spinemark::app
