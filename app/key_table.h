// Every keyboard action of the app in one named table with its default binding, plus the
// mapping between GLFW key codes and their names (as scripts and the help overlay spell them).
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spinemark::app {

enum class Action {
  PlaceLandmark, NextLandmark, PreviousLandmark, NextVertebra, PreviousVertebra,
  NudgeLeft, NudgeRight, NudgeUp, NudgeDown, FineNudgeLeft, FineNudgeRight, FineNudgeUp, FineNudgeDown,
  DeleteLandmark, DeleteLandmarkAlternative, Undo, Redo, RedoAlternative, NextImage, PreviousImage, NextImageAlternative,
  PreviousImageAlternative, CycleOrientation, ZoomIn, ZoomOut, ZoomInKeypad, ZoomOutKeypad, FitToWindow, OneToOne,
  PanLeft, PanRight, PanUp, PanDown, WindowNarrower, WindowWider, LevelDown, LevelUp, ResetWindow,
  PresetFullRange, PresetHistogram, PresetHeader, ToggleInvert, CycleGamma, ToggleHelp, SaveNow, Quit,
  ToggleLoupe, LoupeZoomIn, LoupeZoomOut, ToggleEnhance, ToggleFollow, NextUnfinishedImage,
  AcceptPrediction, RejectPrediction, MarkNotVisible, MarkNotAssessable, ShiftLabelsUp, ShiftLabelsDown,
  ToggleL6, ToggleT13,
  MarkDone, FlagImage, Approve, RequestChanges, MarkCorrected, Reopen, AddComment, ToggleReviewMode,
  ToggleHistory, ToggleOriginals, ToggleKpis, ToggleChecksPanel
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

// The default bindings, one row per action.
std::span<const ActionBinding> actionTable();
const ActionBinding& defaultBinding(Action action);

// The bindings in force: the defaults, overridden by a JSON keymap such as
//   {"undo": "ctrl+z", "place_landmark": "enter", "toggle_loupe": "none"}
// whose keys are action names and whose values are chords as scripts write them.
class Keymap {
 public:
  Keymap();
  // Applies overrides from file. Throws std::runtime_error naming the file, the entry and the
  // problem; the keymap is unchanged then.
  void loadOverrides(const std::filesystem::path& file);

  std::optional<Action> actionFor(const KeyChord& chord) const;
  // The chord bound to action, or nullopt when the keymap unbinds it.
  std::optional<KeyChord> chordFor(Action action) const;
  // "Ctrl+Z", or "unbound".
  std::string labelFor(Action action) const;

 private:
  std::vector<std::optional<KeyChord>> m_chords;  // indexed by the action's row in actionTable()
};

// Parses "ctrl+shift+z", "space", "page_down" (GLFW key names, case-insensitive).
std::optional<KeyChord> parseChord(std::string_view text);

// The default keymap file: $XDG_CONFIG_HOME/spinemark/keymap.json or ~/.config/spinemark/keymap.json.
std::filesystem::path defaultKeymapPath();

// Maps a physical key to the key whose letter it prints in the active layout. printedName is what
// glfwGetKeyName returns for the key: on a German layout the key at the US "Y" position prints
// "z", so it acts as Z. Keys that print nothing or a non-Latin character (a Cyrillic layout) keep
// their physical, US-position meaning, so shortcuts still work there.
int logicalKey(int key, const char* printedName);

// "Ctrl+Z", "Shift+Right", "Page Down": for help text and menus.
std::string chordLabel(const KeyChord& chord);

// GLFW key names without the GLFW_KEY_ prefix, e.g. "Z", "PAGE_DOWN", "F1", "EQUAL".
std::optional<int> keyCodeForName(std::string_view name);
std::string_view keyNameForCode(int key);

}  // namespace spinemark::app
