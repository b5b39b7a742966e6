// Input scripts that drive the GUI (format: docs/scripting.md). Parsing lives here so that it
// is testable without a display; the app turns each event into GLFW-level input.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace spinemark::core {

enum class ScriptAction { Key, Move, Click, Drag, MoveScreen, ClickScreen, Wait, WaitPrefetch, Screenshot, Quit };

struct ScriptEvent {
  ScriptAction action = ScriptAction::Wait;
  std::string key;         // Key: GLFW key name without modifiers, upper case, e.g. "Z", "PAGE_DOWN"
  bool ctrl = false;       // Key modifiers
  bool shift = false;
  bool alt = false;
  bool super = false;
  double x0 = 0, y0 = 0;   // Move/Click/Drag start: image pixels; MoveScreen/ClickScreen: window pixels
  double x1 = 0, y1 = 0;   // Drag end, image pixels
  int frames = 0;          // Wait
  std::string path;        // Screenshot
  int line = 0;            // line number in the script, for messages
};

class ScriptError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses script text; blank lines and lines starting with '#' are ignored. Throws ScriptError
// naming the line and the problem. Key names are checked by the app, which owns the key table.
std::vector<ScriptEvent> parseInputScript(const std::string& text, const std::string& sourceName);
std::vector<ScriptEvent> readInputScript(const std::filesystem::path& path);

}  // namespace spinemark::core
