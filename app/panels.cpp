#include "app/panels.h"

#include "app/canvas.h"
#include "app/key_table.h"
#include "core/levels.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <string>

namespace spinemark::app {
namespace {

constexpr auto InfoMessageLifetime = std::chrono::seconds(8);
constexpr ImGuiWindowFlags FixedPanelFlags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                             ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;

// Calls ImGui::End on every path, as Begin requires.
class PanelScope {
 public:
  PanelScope(const char* name, ImGuiWindowFlags flags, bool* open = nullptr) : m_visible(ImGui::Begin(name, open, flags)) {}
  ~PanelScope() { ImGui::End(); }
  PanelScope(const PanelScope&) = delete;
  PanelScope& operator=(const PanelScope&) = delete;
  bool visible() const { return m_visible; }

 private:
  bool m_visible;
};

std::string spacingText(const core::PixelSpacing& spacing)
{
  if (!spacing.known()) {
    return "pixel spacing unknown (sizes in px)";
  }
  char text[96];
  std::snprintf(text, sizeof text, "%.4g x %.4g mm %s", spacing.rowMm, spacing.columnMm,
                spacing.source == core::SpacingSource::ImagerPixelSpacing ? "(detector spacing)" : "");
  return text;
}

std::string orientationText(const core::Orientation& orientation)
{
  std::string text(core::viewName(orientation.view));
  if (orientation.view == core::View::Lateral) {
    text += orientation.firstSideIsRightOrAnterior ? ", anterior on image left" : ", anterior on image right";
  } else {
    text += orientation.firstSideIsRightOrAnterior ? ", patient right on image left" : ", patient right on image right";
  }
  switch (orientation.source) {
    case core::Orientation::Source::Dicom: return text + " (from DICOM)";
    case core::Orientation::Source::Annotator: return text + " (set by annotator)";
    case core::Orientation::Source::Default: return text + " (default, not confirmed)";
  }
  return text;
}

void drawImageInfo(const core::Workbench& workbench, const Keymap& keymap)
{
  const auto& images = workbench.workspace().images;
  ImGui::Text("Image %d of %zu", workbench.currentIndex() + 1, images.size());
  if (!workbench.hasImage()) {
    ImGui::TextWrapped(images.empty() ? "No images found in this workspace." : "No image open.");
    return;
  }
  const auto& image = workbench.image();
  ImGui::TextWrapped("%s", images[static_cast<std::size_t>(workbench.currentIndex())].relativePath.c_str());
  ImGui::TextDisabled("%d x %d, %s", image.width, image.height, image.encoding.c_str());
  ImGui::TextDisabled("%s", spacingText(image.spacing).c_str());
  ImGui::TextWrapped("View: %s", orientationText(workbench.session().annotation().orientation).c_str());
  ImGui::TextDisabled("%s changes the view", keymap.labelFor(Action::CycleOrientation).c_str());
}

void drawVertebraRow(core::AnnotationSession& session, core::Level level)
{
  const auto& vertebrae = session.annotation().vertebrae;
  const auto found = vertebrae.find(level);
  const int placed = found == vertebrae.end() ? 0 : found->second.placedCount();
  const bool isCurrent = session.current().level == level;
  std::string label = std::string(core::levelName(level)) + "   " + std::to_string(placed) + "/6";
  if (core::isVariantLevel(level)) {
    label += "   (variant)";
  }
  ImGui::PushID(static_cast<int>(level));
  if (placed == core::SlotCount) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(120, 230, 120, 255));
  } else if (placed == 0) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(170, 170, 170, 255));
  } else {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 210, 90, 255));
  }
  if (ImGui::Selectable(label.c_str(), isCurrent)) {
    core::Slot slot = core::Slot::SuperiorFirst;
    for (int i = 0; i < core::SlotCount; ++i) {
      if (found == vertebrae.end() || !found->second.points[static_cast<std::size_t>(i)]) {
        slot = static_cast<core::Slot>(i);
        break;
      }
    }
    session.setCurrent({level, slot});
  }
  ImGui::PopStyleColor();
  ImGui::PopID();
}

void drawVertebraList(core::Workbench& workbench)
{
  if (!workbench.hasImage()) {
    return;
  }
  ImGui::Separator();
  ImGui::TextUnformatted("Vertebrae (click to select)");
  auto& session = workbench.session();
  ImGui::BeginChild("vertebrae", ImVec2(0, 330), true);
  for (int i = core::LevelCount - 1; i >= 0; --i) {
    drawVertebraRow(session, static_cast<core::Level>(i));
  }
  ImGui::EndChild();
}

const char* progressMark(core::ImageProgress progress)
{
  switch (progress) {
    case core::ImageProgress::NotStarted: return "   ";
    case core::ImageProgress::InProgress: return "...";
    case core::ImageProgress::Complete: return "ok ";
    case core::ImageProgress::Unreadable: return "!! ";
  }
  return "   ";
}

bool containsIgnoringCase(const std::string& text, const std::string& part)
{
  const auto found = std::search(text.begin(), text.end(), part.begin(), part.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  return found != text.end() || part.empty();
}

bool imageMatches(const core::Workbench& workbench, const UiState& ui, int index)
{
  const bool complete = workbench.progress(index) == core::ImageProgress::Complete;
  if ((ui.progressFilter == 1 && complete) || (ui.progressFilter == 2 && !complete)) {
    return false;
  }
  return containsIgnoringCase(workbench.workspace().images[static_cast<std::size_t>(index)].relativePath,
                              ui.imageFilter);
}

void drawImageList(core::Workbench& workbench, UiState& ui)
{
  const auto& images = workbench.workspace().images;
  int complete = 0;
  for (int i = 0; i < static_cast<int>(images.size()); ++i) {
    complete += workbench.progress(i) == core::ImageProgress::Complete ? 1 : 0;
  }
  ImGui::Separator();
  ImGui::TextUnformatted("Images");
  ImGui::TextDisabled("%d of %zu complete", complete, images.size());
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##filter", "filter by name", &ui.imageFilter);
  ImGui::RadioButton("all", &ui.progressFilter, 0);
  ImGui::SameLine();
  ImGui::RadioButton("unfinished", &ui.progressFilter, 1);
  ImGui::SameLine();
  ImGui::RadioButton("complete", &ui.progressFilter, 2);

  std::vector<int> shown;
  for (int i = 0; i < static_cast<int>(images.size()); ++i) {
    if (imageMatches(workbench, ui, i)) {
      shown.push_back(i);
    }
  }
  ImGui::BeginChild("images", ImVec2(0, 0), true);
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(shown.size()));
  while (clipper.Step()) {
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
      const int i = shown[static_cast<std::size_t>(row)];
      ImGui::PushID(i);
      const std::string label = std::string(progressMark(workbench.progress(i))) + " " +
                                images[static_cast<std::size_t>(i)].relativePath;
      if (ImGui::Selectable(label.c_str(), i == workbench.currentIndex())) {
        ui.requestedImage = i;
      }
      ImGui::PopID();
    }
  }
  ImGui::EndChild();
}

std::string saveStatusText(const core::Workbench& workbench)
{
  const auto status = workbench.saveStatus();
  if (status.lastError) {
    return "NOT SAVED: " + *status.lastError + " (retrying)";
  }
  if (workbench.imageReadOnly()) {
    return workbench.readOnlyReason() + " Nothing is saved.";
  }
  if (workbench.hasUnsavedChanges()) {
    return "Saving...";
  }
  return status.written > 0 ? "All changes saved" : "No changes";
}

// Buttons that end a read-only state the user may lift: clicking one is the confirmation.
void drawReadOnlyChoices(core::Workbench& workbench)
{
  if (workbench.lockHolder() && workbench.lockIsStale()) {
    ImGui::SameLine();
    if (ImGui::SmallButton("Take over the stale lock")) {
      workbench.takeOverLock();
    }
  }
  if (workbench.externalChange()) {
    ImGui::SameLine();
    if (ImGui::SmallButton("Reload their version")) {
      workbench.reloadFromDisk();
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("Keep both")) {
      workbench.keepBothVersions();
    }
  }
  if (workbench.imageChanged() && !workbench.lockHolder() && !workbench.readOnly()) {
    ImGui::SameLine();
    if (ImGui::SmallButton("Landmarks fit: edit and save them")) {
      workbench.acceptChangedImage();
    }
  }
}

}  // namespace

void drawSidePanel(core::Workbench& workbench, UiState& ui, const Keymap& keymap, float height)
{
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(SidePanelWidth, height));
  PanelScope panel("Annotation", FixedPanelFlags | ImGuiWindowFlags_NoTitleBar);
  if (!panel.visible()) {
    return;
  }
  drawImageInfo(workbench, keymap);
  if (workbench.hasImage()) {
    const ImU32 color = ui.checkErrors > 0 ? IM_COL32(255, 110, 110, 255) : IM_COL32(150, 220, 150, 255);
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::Text("Checks: %d errors, %d warnings (%s lists them)", ui.checkErrors, ui.checkWarnings,
                keymap.labelFor(Action::ToggleChecksPanel).c_str());
    ImGui::PopStyleColor();
  }
  drawVertebraList(workbench);
  drawImageList(workbench, ui);
}

void drawStatusBar(core::Workbench& workbench, const Canvas& canvas, const Keymap& keymap, const UiState& ui,
                   float width, float height)
{
  ImGui::SetNextWindowPos(ImVec2(0, height - StatusBarHeight));
  ImGui::SetNextWindowSize(ImVec2(width, StatusBarHeight));
  PanelScope bar("Status", FixedPanelFlags | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar);
  if (!bar.visible()) {
    return;
  }
  const auto status = workbench.saveStatus();
  if (status.lastError) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 90, 90, 255));
  }
  if (workbench.imageReadOnly() && !status.lastError) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 170, 60, 255));
  }
  ImGui::TextUnformatted(saveStatusText(workbench).c_str());
  if (status.lastError || workbench.imageReadOnly()) {
    ImGui::PopStyleColor();
  }
  drawReadOnlyChoices(workbench);
  ImGui::SameLine(0, 30);
  ImGui::Text("User %s", workbench.options().user.c_str());
  if (!workbench.hasImage()) {
    return;
  }
  const auto& active = workbench.session().annotation().activeSeconds;
  const auto mine = active.find(workbench.options().user);
  const int seconds = mine == active.end() ? 0 : static_cast<int>(mine->second);
  ImGui::SameLine(0, 30);
  ImGui::Text("Active %d:%02d", seconds / 60, seconds % 60);
  if (ui.sessionCompleted > 0) {
    const int mean = static_cast<int>(ui.sessionActiveSeconds / ui.sessionCompleted);
    ImGui::SameLine(0, 20);
    ImGui::Text("Session: %d done, mean %d:%02d", ui.sessionCompleted, mean / 60, mean % 60);
  }
  const auto& display = canvas.display();
  ImGui::SameLine(0, 30);
  ImGui::Text("Zoom %.0f%%   W %.6g  L %.6g%s   gamma %.1f", canvas.view().zoom * 100.0, display.window.width,
              display.window.center, display.invert ? "  inverted" : "", display.gamma);
  if (const auto cursor = canvas.cursorImage()) {
    const auto& image = workbench.image();
    const int column = static_cast<int>(std::floor(cursor->x));
    const int row = static_cast<int>(std::floor(cursor->y));
    ImGui::SameLine(0, 30);
    if (column >= 0 && row >= 0 && column < image.width && row < image.height) {
      ImGui::Text("x %.1f  y %.1f  value %.6g", cursor->x, cursor->y, image.modalityValue(image.sampleAt(column, row)));
    } else {
      ImGui::Text("x %.1f  y %.1f", cursor->x, cursor->y);
    }
  }
  ImGui::SameLine(0, 30);
  ImGui::TextDisabled("%s or ?: keys", keymap.labelFor(Action::ToggleHelp).c_str());
}

void drawHelp(UiState& ui, const Keymap& keymap)
{
  if (!ui.showHelp) {
    return;
  }
  ImGui::SetNextWindowSize(ImVec2(760, 640), ImGuiCond_Appearing);
  const ImVec2 displaySize = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos(ImVec2(displaySize.x * 0.5f, displaySize.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  PanelScope window("Keys", ImGuiWindowFlags_NoSavedSettings, &ui.showHelp);
  if (!window.visible()) {
    return;
  }
  ImGui::TextWrapped("Left click places the current landmark; drag a landmark to move it; wheel zooms at the "
                     "cursor; middle or left drag pans; right drag changes window/level.");
  if (ImGui::BeginTable("bindings", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
    for (const auto& binding : actionTable()) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(keymap.labelFor(binding.action).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(binding.description.data(), binding.description.data() + binding.description.size());
    }
    ImGui::EndTable();
  }
}

void addMessages(UiState& ui, std::vector<core::UserMessage> messages)
{
  for (auto& message : messages) {
    ui.messages.push_back({std::move(message), std::chrono::steady_clock::now(), ui.nextMessageId++});
  }
}

void drawMessages(UiState& ui, float displayWidth)
{
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(ui.messages, [&](const ShownMessage& shown) {
    return shown.message.severity == core::MessageSeverity::Info && now - shown.shownAt > InfoMessageLifetime;
  });
  if (ui.messages.empty()) {
    return;
  }
  constexpr float width = 460.0f;
  ImGui::SetNextWindowPos(ImVec2(displayWidth - width - 10.0f, 10.0f));
  ImGui::SetNextWindowSize(ImVec2(width, 0));
  PanelScope window("Messages", FixedPanelFlags | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_AlwaysAutoResize);
  if (!window.visible()) {
    return;
  }
  std::optional<int> closed;
  for (const auto& shown : ui.messages) {
    ImGui::PushID(shown.id);
    const ImU32 color = shown.message.severity == core::MessageSeverity::Error     ? IM_COL32(255, 110, 110, 255)
                        : shown.message.severity == core::MessageSeverity::Warning ? IM_COL32(255, 200, 80, 255)
                                                                                   : IM_COL32(220, 220, 220, 255);
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::TextWrapped("%s", shown.message.text.c_str());
    ImGui::PopStyleColor();
    if (ImGui::SmallButton("Close")) {
      closed = shown.id;
    }
    ImGui::Separator();
    ImGui::PopID();
  }
  if (closed) {
    std::erase_if(ui.messages, [&](const ShownMessage& shown) { return shown.id == *closed; });
  }
}

void drawOpenProgress(const core::OpenProgress& progress, float displayWidth, float displayHeight)
{
  constexpr float width = 420.0f;
  ImGui::SetNextWindowPos(ImVec2(displayWidth * 0.5f, displayHeight * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(width, 0));
  PanelScope window("Opening workspace", FixedPanelFlags | ImGuiWindowFlags_AlwaysAutoResize);
  if (!window.visible()) {
    return;
  }
  const int total = progress.imagesTotal;
  if (total < 0) {
    // The folder scan cannot know the total before it ends.
    ImGui::Text("Listing images: %d found so far", progress.imagesListed.load());
    ImGui::ProgressBar(0.0f, ImVec2(-1.0f, 0.0f), "scanning folders");
  } else {
    const int read = std::min(progress.statusesRead.load(), total);
    ImGui::Text("%d images listed. Reading their annotation files.", total);
    const std::string overlay = std::to_string(read) + " / " + std::to_string(total);
    ImGui::ProgressBar(total > 0 ? static_cast<float>(read) / static_cast<float>(total) : 1.0f, ImVec2(-1.0f, 0.0f),
                       overlay.c_str());
  }
  ImGui::TextDisabled("Close the window to cancel.");
}

}  // namespace spinemark::app
