#include "app/review_ui.h"

#include "app/canvas.h"
#include "app/panels.h"
#include "core/quality/cobb.h"
#include "core/quality/morphometry.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include <cmath>
#include <cstdio>

namespace spinemark::app {
namespace {

constexpr std::array<core::FlagReason, 5> FlagReasonOrder{
    core::FlagReason::EndplateNotVisible, core::FlagReason::LevelUncertain, core::FlagReason::AnatomicalVariant,
    core::FlagReason::PoorImage, core::FlagReason::Other};
constexpr std::array<const char*, 5> FlagReasonLabels{"1  Endplate not visible", "2  Level uncertain",
                                                      "3  Anatomical variant", "4  Poor image", "5  Other"};
constexpr ImU32 CommentColor = IM_COL32(255, 120, 200, 255);
constexpr ImU32 OriginalColor = IM_COL32(190, 190, 190, 230);
constexpr ImU32 FindingColor = IM_COL32(255, 60, 60, 255);
constexpr ImU32 CobbColor = IM_COL32(120, 255, 255, 220);

ImVec2 toImVec(core::Point p) { return ImVec2(static_cast<float>(p.x), static_cast<float>(p.y)); }

bool keyPressed(int key) { return ImGui::IsKeyPressed(key, false); }

void closeDialog(ReviewState& review)
{
  review.dialog = Dialog::None;
  review.dialogText.clear();
  ImGui::CloseCurrentPopup();
}

std::string locationText(const core::ImageAnnotation& annotation, std::optional<core::Level> level,
                         std::optional<core::Slot> slot)
{
  if (!level) {
    return "image";
  }
  std::string text(core::levelName(*level));
  if (slot) {
    text += " " + core::landmarkName(*slot, annotation.orientation);
  }
  return text;
}

void drawConfirmDone(ReviewState& review, core::Workbench& workbench, UiState& ui)
{
  ImGui::TextUnformatted("The quality checks found errors:");
  for (const auto& finding : review.pendingFindings) {
    ImGui::BulletText("%s", finding.message.c_str());
  }
  ImGui::TextUnformatted("Mark the image done anyway?");
  const bool confirm = ImGui::Button("Mark done anyway (Enter)") || keyPressed(GLFW_KEY_ENTER);
  ImGui::SameLine();
  if (ImGui::Button("Cancel (Escape)") || keyPressed(GLFW_KEY_ESCAPE)) {
    closeDialog(review);
    return;
  }
  if (confirm) {
    runWorkflowAction(workbench.session().markDone(review.role), "Image marked done.", ui);
    closeDialog(review);
  }
}

void drawFlag(ReviewState& review, core::Workbench& workbench, UiState& ui)
{
  ImGui::TextUnformatted("Why should a radiologist look at this image? (keys 1-5 toggle)");
  for (std::size_t i = 0; i < FlagReasonOrder.size(); ++i) {
    ImGui::Checkbox(FlagReasonLabels[i], &review.flagReasons[i]);
    if (!ImGui::GetIO().WantTextInput && keyPressed(GLFW_KEY_1 + static_cast<int>(i))) {
      review.flagReasons[i] = !review.flagReasons[i];
    }
  }
  ImGui::InputTextWithHint("##flag-text", "details (needed for Other)", &review.dialogText);
  const bool confirm = ImGui::Button("Flag (Enter)") || keyPressed(GLFW_KEY_ENTER);
  ImGui::SameLine();
  if (ImGui::Button("Cancel (Escape)") || keyPressed(GLFW_KEY_ESCAPE)) {
    closeDialog(review);
    return;
  }
  if (confirm) {
    std::vector<core::FlagReason> reasons;
    for (std::size_t i = 0; i < FlagReasonOrder.size(); ++i) {
      if (review.flagReasons[i]) {
        reasons.push_back(FlagReasonOrder[i]);
      }
    }
    const auto result = workbench.session().flag(review.role, reasons, review.dialogText);
    runWorkflowAction(result, "Image flagged for review.", ui);
    if (result.ok()) {
      review.flagReasons = {};
      closeDialog(review);
    }
  }
}

// Request changes and comments share one form: a focused text field, Enter sends.
void drawTextDialog(ReviewState& review, core::Workbench& workbench, UiState& ui)
{
  auto& session = workbench.session();
  const bool sendBack = review.dialog == Dialog::RequestChanges;
  const auto current = session.current();
  if (sendBack) {
    ImGui::TextUnformatted("What should the annotator change?");
  } else {
    ImGui::Text("Comment on %s", locationText(session.annotation(), current.level, current.slot).c_str());
  }
  if (ImGui::IsWindowAppearing()) {
    ImGui::SetKeyboardFocusHere();
  }
  const bool entered =
      ImGui::InputText("##text", &review.dialogText, ImGuiInputTextFlags_EnterReturnsTrue);
  const bool confirm = ImGui::Button(sendBack ? "Send back (Enter)" : "Add comment (Enter)") || entered;
  ImGui::SameLine();
  if (ImGui::Button("Cancel (Escape)") || keyPressed(GLFW_KEY_ESCAPE)) {
    closeDialog(review);
    return;
  }
  if (!confirm) {
    return;
  }
  const auto result = sendBack ? session.requestChanges(review.role, review.dialogText)
                               : session.addComment(review.dialogText, current.level, current.slot);
  runWorkflowAction(result, sendBack ? "Image sent back to the annotator." : "Comment added.", ui);
  if (result.ok()) {
    closeDialog(review);
  }
}

void drawComments(core::AnnotationSession& session, UiState& ui)
{
  const auto& annotation = session.annotation();
  if (annotation.comments.empty()) {
    ImGui::TextDisabled("No comments.");
    return;
  }
  std::optional<int> resolve;
  for (const auto& comment : annotation.comments) {
    ImGui::PushID(comment.id);
    ImGui::TextWrapped("%s%s (%s, %s): %s", comment.resolved ? "[resolved] " : "",
                       locationText(annotation, comment.level, comment.slot).c_str(), comment.author.c_str(),
                       comment.time.c_str(), comment.text.c_str());
    if (!comment.resolved && ImGui::SmallButton("Resolve")) {
      resolve = comment.id;
    }
    ImGui::PopID();
  }
  if (resolve) {
    runWorkflowAction(session.resolveComment(*resolve), "Comment resolved.", ui);
  }
}

void drawFindings(ReviewState& review, core::AnnotationSession& session)
{
  int errors = 0;
  for (const auto& finding : review.findings) {
    errors += finding.severity == core::quality::Severity::Error ? 1 : 0;
  }
  ImGui::Text("Checks: %d errors, %zu warnings", errors, review.findings.size() - static_cast<std::size_t>(errors));
  for (std::size_t i = 0; i < review.findings.size(); ++i) {
    const auto& finding = review.findings[i];
    ImGui::PushID(static_cast<int>(i));
    ImGui::PushStyleColor(ImGuiCol_Text, finding.severity == core::quality::Severity::Error ? IM_COL32(255, 110, 110, 255)
                                                                                           : IM_COL32(255, 200, 80, 255));
    // Selecting a finding makes its landmark current, so the annotator can fix it at once.
    if (ImGui::Selectable(finding.message.c_str())) {
      session.setCurrent({finding.level, finding.slot.value_or(core::Slot::SuperiorFirst)});
    }
    ImGui::PopStyleColor();
    ImGui::PopID();
  }
}

void drawMorphometry(const core::ImageAnnotation& annotation)
{
  const auto measured = core::quality::measureVertebrae(annotation);
  if (measured.empty()) {
    ImGui::TextDisabled("Morphometry needs all six landmarks of a vertebra.");
    return;
  }
  const bool lateral = annotation.orientation.view == core::View::Lateral;
  if (ImGui::BeginTable("morphometry", 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("Level");
    ImGui::TableSetupColumn(lateral ? "Ha" : "H right");
    ImGui::TableSetupColumn("Hm");
    ImGui::TableSetupColumn(lateral ? "Hp" : "H left");
    ImGui::TableSetupColumn("Loss");
    ImGui::TableSetupColumn("Genant");
    ImGui::TableHeadersRow();
    for (const auto& row : measured) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(std::string(core::levelName(row.level)).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", row.heightRightOrAnterior);
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", row.heightMiddle);
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", row.heightLeftOrPosterior);
      ImGui::TableNextColumn();
      ImGui::Text("%.0f%%", row.heightLoss * 100.0);
      ImGui::TableNextColumn();
      if (row.genantGrade) {
        ImGui::Text("%d", *row.genantGrade);
      } else {
        ImGui::TextDisabled("-");
      }
    }
    ImGui::EndTable();
  }
  ImGui::TextDisabled("Heights in %s", measured.front().millimetres ? "mm" : "px (spacing unknown)");
  if (const auto cobb = core::quality::measureCobbAngle(annotation)) {
    ImGui::Text("Cobb angle %.1f deg, %s to %s", cobb->degrees, std::string(core::levelName(cobb->upper.level)).c_str(),
                std::string(core::levelName(cobb->lower.level)).c_str());
  }
}

// Filters of the review queue: annotator name and flag reason.
void drawQueueFilter(ReviewState& review)
{
  const auto queue = core::reviewQueue(review.summaries, review.filter);
  ImGui::Text("Review queue: %zu images%s", queue.size(), review.scanning.valid() ? " (reading files...)" : "");
  ImGui::SetNextItemWidth(150);
  ImGui::InputTextWithHint("##annotator", "annotator", &review.filter.annotator);
  ImGui::SameLine();
  const std::string current =
      review.filter.reason ? std::string(core::flagReasonName(*review.filter.reason)) : std::string("any reason");
  ImGui::SetNextItemWidth(170);
  if (ImGui::BeginCombo("##reason", current.c_str())) {
    if (ImGui::Selectable("any reason", !review.filter.reason)) {
      review.filter.reason.reset();
    }
    for (const auto reason : FlagReasonOrder) {
      if (ImGui::Selectable(std::string(core::flagReasonName(reason)).c_str(), review.filter.reason == reason)) {
        review.filter.reason = reason;
      }
    }
    ImGui::EndCombo();
  }
  ImGui::Separator();
}

}  // namespace

void startSummaryScan(ReviewState& review, const core::Workspace& workspace)
{
  review.summaries.assign(workspace.images.size(), core::ImageSummary{});
  review.scanning = std::async(std::launch::async, [workspace] { return core::summarizeWorkspace(workspace); });
}

void refreshReviewState(ReviewState& review, const core::Workbench& workbench)
{
  if (review.scanning.valid() && review.scanning.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
    review.summaries = review.scanning.get();
  }
  if (!workbench.hasImage()) {
    return;
  }
  const auto& session = workbench.session();
  const auto index = static_cast<std::size_t>(workbench.currentIndex());
  if (index < review.summaries.size()) {
    review.summaries[index] = core::summarize(session.annotation());
  }
  const auto& image = session.annotation().image.relativePath;
  if (image != review.findingsImage || session.revision() != review.findingsRevision) {
    review.findings = core::quality::checkAnnotation(session.annotation());
    review.findingsImage = image;
    review.findingsRevision = session.revision();
  }
}

void runWorkflowAction(core::ActionResult result, const char* success, UiState& ui)
{
  addMessages(ui, {{result.ok() ? core::MessageSeverity::Info : core::MessageSeverity::Warning,
                    result.ok() ? std::string(success) : result.error}});
}

void requestMarkDone(ReviewState& review, core::Workbench& workbench, UiState& ui)
{
  const auto findings = core::quality::checkAnnotation(workbench.session().annotation());
  review.pendingFindings.clear();
  for (const auto& finding : findings) {
    if (finding.severity == core::quality::Severity::Error) {
      review.pendingFindings.push_back(finding);
    }
  }
  if (review.pendingFindings.empty()) {
    runWorkflowAction(workbench.session().markDone(review.role), "Image marked done.", ui);
    return;
  }
  review.dialog = Dialog::ConfirmDone;
  review.openDialog = true;
}

void requestFlag(ReviewState& review)
{
  review.dialog = Dialog::Flag;
  review.openDialog = true;
}

void requestChanges(ReviewState& review, UiState& ui)
{
  if (review.role != core::Role::Reviewer) {
    addMessages(ui, {{core::MessageSeverity::Warning, "Only a reviewer can send an image back; switch to review "
                                                      "mode with Ctrl+Shift+R or start with --review."}});
    return;
  }
  review.dialog = Dialog::RequestChanges;
  review.openDialog = true;
}

void requestComment(ReviewState& review)
{
  review.dialog = Dialog::Comment;
  review.openDialog = true;
}

bool dialogOpen(const ReviewState& review)
{
  return review.dialog != Dialog::None;
}

void drawDialogs(ReviewState& review, core::Workbench& workbench, UiState& ui)
{
  if (review.dialog == Dialog::None || !workbench.hasImage()) {
    review.dialog = Dialog::None;
    return;
  }
  const char* title = review.dialog == Dialog::ConfirmDone      ? "Mark done"
                      : review.dialog == Dialog::Flag           ? "Flag for review"
                      : review.dialog == Dialog::RequestChanges ? "Request changes"
                                                                : "Comment";
  if (review.openDialog) {
    ImGui::OpenPopup(title);
    review.openDialog = false;
  }
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.4f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(520, 0), ImGuiCond_Appearing);
  if (!ImGui::BeginPopupModal(title, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    return;
  }
  switch (review.dialog) {
    case Dialog::ConfirmDone: drawConfirmDone(review, workbench, ui); break;
    case Dialog::Flag: drawFlag(review, workbench, ui); break;
    case Dialog::RequestChanges:
    case Dialog::Comment: drawTextDialog(review, workbench, ui); break;
    case Dialog::None: break;
  }
  ImGui::EndPopup();
}

void drawReviewPanel(ReviewState& review, core::Workbench& workbench, UiState& ui, float x, float height)
{
  ImGui::SetNextWindowPos(ImVec2(x, 0));
  ImGui::SetNextWindowSize(ImVec2(ReviewPanelWidth, height));
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                 ImGuiWindowFlags_NoSavedSettings;
  const bool visible = ImGui::Begin(review.role == core::Role::Reviewer ? "Review" : "Checks and comments", nullptr, flags);
  if (visible && workbench.hasImage()) {
    auto& session = workbench.session();
    if (review.role == core::Role::Reviewer) {
      drawQueueFilter(review);
    }
    const auto& workflow = session.annotation().workflow;
    ImGui::Text("State: %s", std::string(core::workflowStateName(workflow.state)).c_str());
    if (!workflow.changedBy.empty()) {
      ImGui::TextDisabled("by %s at %s", workflow.changedBy.c_str(), workflow.changedAt.c_str());
    }
    if (workflow.state == core::WorkflowState::Flagged) {
      for (const auto reason : workflow.flagReasons) {
        ImGui::BulletText("%s", std::string(core::flagReasonName(reason)).c_str());
      }
      if (!workflow.flagText.empty()) {
        ImGui::TextWrapped("\"%s\"", workflow.flagText.c_str());
      }
    }
    ImGui::Separator();
    drawComments(session, ui);
    ImGui::Separator();
    drawFindings(review, session);
    ImGui::Separator();
    drawMorphometry(session.annotation());
  }
  ImGui::End();
}

void drawHistoryWindow(ReviewState& review, const core::Workbench& workbench)
{
  if (!review.showHistory || !workbench.hasImage()) {
    return;
  }
  const auto& session = workbench.session();
  const auto current = session.current();
  const auto provenance = session.pointProvenance(current);
  ImGui::SetNextWindowSize(ImVec2(460, 300), ImGuiCond_Appearing);
  if (ImGui::Begin("History", &review.showHistory, ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::Text("%s", locationText(session.annotation(), current.level, current.slot).c_str());
    if (provenance.position) {
      ImGui::Text("at (%.2f, %.2f), last set by %s", provenance.position->x, provenance.position->y,
                  provenance.author.by.empty() ? "unknown" : provenance.author.by.c_str());
    }
    if (provenance.author.original) {
      ImGui::Text("first placed by %s at (%.2f, %.2f)", provenance.author.original->by.c_str(),
                  provenance.author.original->position.x, provenance.author.original->position.y);
    }
    for (const auto& entry : provenance.history) {
      ImGui::BulletText("%s %s %s%s%s", entry.time.c_str(), entry.user.c_str(),
                        std::string(core::historyActionName(entry.action)).c_str(), entry.detail.empty() ? "" : " ",
                        entry.detail.c_str());
    }
  }
  ImGui::End();
}

namespace {

// Rings the landmark each error finding names, so the annotator sees where to look.
void drawFindingMarkers(ImDrawList* drawList, const ReviewState& review, const core::ImageAnnotation& annotation,
                        const core::ViewTransform& view, core::LandmarkRef current)
{
  for (const auto& finding : review.findings) {
    if (finding.severity != core::quality::Severity::Error || !finding.slot) {
      continue;
    }
    // The vertebra being placed is incomplete by definition; marking it would only distract.
    if (finding.level == current.level && finding.code == core::quality::FindingCode::MissingLandmark) {
      continue;
    }
    const auto found = annotation.vertebrae.find(finding.level);
    if (found == annotation.vertebrae.end()) {
      continue;
    }
    if (const auto& point = found->second.points[static_cast<std::size_t>(*finding.slot)]) {
      drawList->AddCircle(toImVec(view.imageToScreen(*point)), 11.0f, FindingColor, 16, 2.0f);
    }
  }
}

// The two endplates that define the Cobb angle on AP/PA views, drawn through their corners.
void drawCobb(ImDrawList* drawList, const core::ImageAnnotation& annotation, const core::ViewTransform& view)
{
  const auto cobb = core::quality::measureCobbAngle(annotation);
  if (!cobb) {
    return;
  }
  std::optional<core::Point> labelAt;
  for (const auto& endplate : {cobb->upper, cobb->lower}) {
    const auto found = annotation.vertebrae.find(endplate.level);
    if (found == annotation.vertebrae.end()) {
      continue;
    }
    const auto first = endplate.superior ? core::Slot::SuperiorFirst : core::Slot::InferiorFirst;
    const auto second = endplate.superior ? core::Slot::SuperiorSecond : core::Slot::InferiorSecond;
    const auto& a = found->second.points[static_cast<std::size_t>(first)];
    const auto& b = found->second.points[static_cast<std::size_t>(second)];
    if (!a || !b) {
      continue;
    }
    // Extend the endplate line by its own length on both sides, as Cobb lines are drawn.
    const core::Point from{2 * a->x - b->x, 2 * a->y - b->y};
    const core::Point to{2 * b->x - a->x, 2 * b->y - a->y};
    drawList->AddLine(toImVec(view.imageToScreen(from)), toImVec(view.imageToScreen(to)), CobbColor, 2.0f);
    labelAt = view.imageToScreen(from);
  }
  if (labelAt) {
    char label[64];
    std::snprintf(label, sizeof label, "Cobb %.1f deg (%s-%s)", cobb->degrees,
                  std::string(core::levelName(cobb->upper.level)).c_str(),
                  std::string(core::levelName(cobb->lower.level)).c_str());
    // Left of the left end, where no panel covers it.
    const float width = ImGui::CalcTextSize(label).x;
    drawList->AddText(ImVec2(static_cast<float>(labelAt->x) - width - 6, static_cast<float>(labelAt->y) - 8), CobbColor,
                      label);
  }
}

}  // namespace

void drawReviewOverlay(ImDrawList* drawList, const ReviewState& review, const core::Workbench& workbench,
                       const Canvas& canvas)
{
  if (!workbench.hasImage()) {
    return;
  }
  const auto& annotation = workbench.session().annotation();
  const auto& view = canvas.view();
  drawFindingMarkers(drawList, review, annotation, view, workbench.session().current());
  drawCobb(drawList, annotation, view);
  for (const auto& comment : annotation.comments) {
    if (comment.resolved || !comment.level) {
      continue;
    }
    const auto found = annotation.vertebrae.find(*comment.level);
    if (found == annotation.vertebrae.end()) {
      continue;
    }
    const auto& point = found->second.points[static_cast<std::size_t>(comment.slot.value_or(core::Slot::SuperiorSecond))];
    if (point) {
      const core::Point screen = view.imageToScreen(*point);
      drawList->AddText(ImVec2(static_cast<float>(screen.x) + 10, static_cast<float>(screen.y) - 16), CommentColor,
                        ("note: " + comment.text).c_str());
    }
  }
  if (!review.showOriginals) {
    return;
  }
  for (const auto& [level, vertebra] : annotation.vertebrae) {
    for (std::size_t slot = 0; slot < vertebra.points.size(); ++slot) {
      const auto& original = vertebra.authors[slot].original;
      if (!original || !vertebra.points[slot]) {
        continue;
      }
      const core::Point from = view.imageToScreen(original->position);
      const core::Point to = view.imageToScreen(*vertebra.points[slot]);
      drawList->AddCircle(toImVec(from), 5.0f, OriginalColor, 12, 1.5f);
      drawList->AddLine(toImVec(from), toImVec(to), OriginalColor, 1.0f);
      const auto& spacing = annotation.image.spacing;
      const double dx = (vertebra.points[slot]->x - original->position.x) * (spacing.known() ? spacing.columnMm : 1.0);
      const double dy = (vertebra.points[slot]->y - original->position.y) * (spacing.known() ? spacing.rowMm : 1.0);
      char label[64];
      std::snprintf(label, sizeof label, "%.2f %s (%s)", std::hypot(dx, dy), spacing.known() ? "mm" : "px",
                    original->by.c_str());
      drawList->AddText(ImVec2(static_cast<float>(from.x) + 8, static_cast<float>(from.y) + 4), OriginalColor, label);
    }
  }
}

std::vector<int> currentQueue(const ReviewState& review)
{
  return review.role == core::Role::Reviewer ? core::reviewQueue(review.summaries, review.filter)
                                             : core::annotatorQueue(review.summaries);
}

}  // namespace spinemark::app
