// Every keyboard action of the app in one named table with its default binding, plus the
// mapping between GLFW key codes and their names (as scripts and the help overlay spell them).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace spinemark::app {

enum class Action {
  PlaceLandmark, NextLandmark, PreviousLandmark, NextVertebra, PreviousVertebra,
  NudgeLeft, NudgeRight, NudgeUp, NudgeDown, FineNudgeLeft, FineNudgeRight, FineNudgeUp, FineNudgeDown,
  DeleteLandmark, DeleteLandmarkAlternative, Undo, Redo, RedoAlternative, NextImage, PreviousImage, NextImageAlternative,
  PreviousImageAlternative, CycleOrientation, ZoomIn, ZoomOut, ZoomInKeypad, ZoomOutKeypad, FitToWindow, OneToOne,
  PanLeft, PanRight, PanUp, PanDown, WindowNarrower, WindowWider, LevelDown, LevelUp, ResetWindow,
  PresetFullRange, PresetHistogram, PresetHeader, ToggleInvert, CycleGamma, ToggleHelp, SaveNow, Quit
};

struct KeyChord {
  int key = 0;  // GLFW_KEY_*
  bool ctrl = false;
  bool shift = false;
  bool alt = false;
  bool operator==(const KeyChord&) const = default;
};

struct ActionBinding {
  Action action;
  std::string_view name;         // stable id, e.g. "place_landmark"
  std::string_view description;  // shown in help and menus
  KeyChord chord;
};

std::span<const ActionBinding> actionTable();
std::optional<Action> actionForChord(const KeyChord& chord);
const ActionBinding& bindingFor(Action action);

// "Ctrl+Z", "Shift+Right", "Page Down": for help text and menus.
std::string chordLabel(const KeyChord& chord);

// GLFW key names without the GLFW_KEY_ prefix, e.g. "Z", "PAGE_DOWN", "F1", "EQUAL".
std::optional<int> keyCodeForName(std::string_view name);
std::string_view keyNameForCode(int key);

}  // namespace spinemark::app
