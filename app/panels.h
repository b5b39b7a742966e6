// ImGui panels drawn around the canvas. Each takes the model and view state by reference and
// changes the model only through core calls.
#pragma once

#include "core/workbench.h"

#include <chrono>
#include <deque>
#include <optional>
#include <string>

namespace spinemark::app {

class Canvas;
class Keymap;

struct ShownMessage {
  core::UserMessage message;
  std::chrono::steady_clock::time_point shownAt;
  int id = 0;
};

struct UiState {
  bool showHelp = false;
  std::deque<ShownMessage> messages;
  int nextMessageId = 1;
  std::optional<int> requestedImage;  // set by the image list, opened by the application
  std::string imageFilter;            // substring of the relative path, case-insensitive
  int progressFilter = 0;             // 0 all, 1 unfinished, 2 complete
  int sessionCompleted = 0;           // images completed since the app started
  double sessionActiveSeconds = 0.0;  // the active time those images took
  int checkErrors = 0;                // findings of the open image's quality checks
  int checkWarnings = 0;
};

inline constexpr float SidePanelWidth = 300.0f;
inline constexpr float StatusBarHeight = 28.0f;

void drawSidePanel(core::Workbench& workbench, UiState& ui, const Keymap& keymap, float height);
void drawStatusBar(core::Workbench& workbench, const Canvas& canvas, const Keymap& keymap, const UiState& ui,
                   float width, float height);
void drawHelp(UiState& ui, const Keymap& keymap);
void drawMessages(UiState& ui, float displayWidth);
void addMessages(UiState& ui, std::vector<core::UserMessage> messages);
// The window shown while a workspace opens in the background: images found by the folder scan,
// then annotation files read out of the total, and how to cancel.
void drawOpenProgress(const core::OpenProgress& progress, float displayWidth, float displayHeight);

}  // namespace spinemark::app
