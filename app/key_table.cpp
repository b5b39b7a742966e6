#include "app/key_table.h"

#include <GLFW/glfw3.h>

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace spinemark::app {
namespace {

constexpr KeyChord key(int code) { return {code, false, false, false}; }
constexpr KeyChord ctrl(int code) { return {code, true, false, false}; }
constexpr KeyChord shift(int code) { return {code, false, true, false}; }
constexpr KeyChord ctrlShift(int code) { return {code, true, true, false}; }
constexpr KeyChord alt(int code) { return {code, false, false, true}; }

// Letters are bound by GLFW key code, which follows the US layout position of the key.
constexpr std::array s_bindings{
    ActionBinding{Action::PlaceLandmark, "place_landmark", "Place the current landmark at the cursor", key(GLFW_KEY_SPACE)},
    ActionBinding{Action::NextLandmark, "next_landmark", "Next landmark", key(GLFW_KEY_TAB)},
    ActionBinding{Action::PreviousLandmark, "previous_landmark", "Previous landmark", shift(GLFW_KEY_TAB)},
    ActionBinding{Action::NextVertebra, "next_vertebra", "Next vertebra (up the spine)", key(GLFW_KEY_W)},
    ActionBinding{Action::PreviousVertebra, "previous_vertebra", "Previous vertebra (down the spine)", key(GLFW_KEY_S)},
    ActionBinding{Action::NudgeLeft, "nudge_left", "Move the current landmark 1 px left", key(GLFW_KEY_LEFT)},
    ActionBinding{Action::NudgeRight, "nudge_right", "Move the current landmark 1 px right", key(GLFW_KEY_RIGHT)},
    ActionBinding{Action::NudgeUp, "nudge_up", "Move the current landmark 1 px up", key(GLFW_KEY_UP)},
    ActionBinding{Action::NudgeDown, "nudge_down", "Move the current landmark 1 px down", key(GLFW_KEY_DOWN)},
    ActionBinding{Action::FineNudgeLeft, "fine_nudge_left", "Move the current landmark 0.1 px left", shift(GLFW_KEY_LEFT)},
    ActionBinding{Action::FineNudgeRight, "fine_nudge_right", "Move the current landmark 0.1 px right", shift(GLFW_KEY_RIGHT)},
    ActionBinding{Action::FineNudgeUp, "fine_nudge_up", "Move the current landmark 0.1 px up", shift(GLFW_KEY_UP)},
    ActionBinding{Action::FineNudgeDown, "fine_nudge_down", "Move the current landmark 0.1 px down", shift(GLFW_KEY_DOWN)},
    ActionBinding{Action::DeleteLandmark, "delete_landmark", "Delete the current landmark", key(GLFW_KEY_DELETE)},
    ActionBinding{Action::DeleteLandmarkAlternative, "delete_landmark_alternative", "Delete the current landmark", key(GLFW_KEY_BACKSPACE)},
    ActionBinding{Action::Undo, "undo", "Undo", ctrl(GLFW_KEY_Z)},
    ActionBinding{Action::Redo, "redo", "Redo", ctrl(GLFW_KEY_Y)},
    ActionBinding{Action::RedoAlternative, "redo_alternative", "Redo", ctrlShift(GLFW_KEY_Z)},
    ActionBinding{Action::NextImage, "next_image", "Next image", key(GLFW_KEY_PAGE_DOWN)},
    ActionBinding{Action::PreviousImage, "previous_image", "Previous image", key(GLFW_KEY_PAGE_UP)},
    ActionBinding{Action::NextImageAlternative, "next_image_alternative", "Next image", key(GLFW_KEY_N)},
    ActionBinding{Action::PreviousImageAlternative, "previous_image_alternative", "Previous image", key(GLFW_KEY_P)},
    ActionBinding{Action::CycleOrientation, "cycle_orientation", "Cycle view and orientation (AP/lateral, sides)", key(GLFW_KEY_O)},
    ActionBinding{Action::ZoomIn, "zoom_in", "Zoom in at the cursor", key(GLFW_KEY_EQUAL)},
    ActionBinding{Action::ZoomOut, "zoom_out", "Zoom out at the cursor", key(GLFW_KEY_MINUS)},
    ActionBinding{Action::ZoomInKeypad, "zoom_in_keypad", "Zoom in at the cursor", key(GLFW_KEY_KP_ADD)},
    ActionBinding{Action::ZoomOutKeypad, "zoom_out_keypad", "Zoom out at the cursor", key(GLFW_KEY_KP_SUBTRACT)},
    ActionBinding{Action::FitToWindow, "fit_to_window", "Fit the image to the window", key(GLFW_KEY_F)},
    ActionBinding{Action::OneToOne, "one_to_one", "Zoom 1:1 (one image pixel per screen pixel)", key(GLFW_KEY_1)},
    ActionBinding{Action::PanLeft, "pan_left", "Pan left", ctrl(GLFW_KEY_LEFT)},
    ActionBinding{Action::PanRight, "pan_right", "Pan right", ctrl(GLFW_KEY_RIGHT)},
    ActionBinding{Action::PanUp, "pan_up", "Pan up", ctrl(GLFW_KEY_UP)},
    ActionBinding{Action::PanDown, "pan_down", "Pan down", ctrl(GLFW_KEY_DOWN)},
    ActionBinding{Action::WindowNarrower, "window_narrower", "Narrower window (more contrast)", key(GLFW_KEY_LEFT_BRACKET)},
    ActionBinding{Action::WindowWider, "window_wider", "Wider window (less contrast)", key(GLFW_KEY_RIGHT_BRACKET)},
    ActionBinding{Action::LevelDown, "level_down", "Lower level (brighter image)", key(GLFW_KEY_COMMA)},
    ActionBinding{Action::LevelUp, "level_up", "Higher level (darker image)", key(GLFW_KEY_PERIOD)},
    ActionBinding{Action::ResetWindow, "reset_window", "Reset window/level to the image default", key(GLFW_KEY_R)},
    ActionBinding{Action::PresetFullRange, "preset_full_range", "Window preset: full value range", key(GLFW_KEY_F2)},
    ActionBinding{Action::PresetHistogram, "preset_histogram", "Window preset: histogram (0.5-99.5 %)", key(GLFW_KEY_F3)},
    ActionBinding{Action::PresetHeader, "preset_header", "Window preset: DICOM header window", key(GLFW_KEY_F4)},
    ActionBinding{Action::ToggleInvert, "toggle_invert", "Invert the display", key(GLFW_KEY_I)},
    ActionBinding{Action::CycleGamma, "cycle_gamma", "Cycle display gamma (1.0, 1.5, 2.2, 0.7)", key(GLFW_KEY_G)},
    ActionBinding{Action::ToggleHelp, "toggle_help", "Show or hide the key list", key(GLFW_KEY_F1)},
    ActionBinding{Action::SaveNow, "save_now", "Save now (changes also save by themselves)", ctrl(GLFW_KEY_S)},
    ActionBinding{Action::Quit, "quit", "Quit (saves first)", ctrl(GLFW_KEY_Q)},
    ActionBinding{Action::ToggleLoupe, "toggle_loupe", "Show or hide the loupe (magnifier at the cursor)", key(GLFW_KEY_M)},
    ActionBinding{Action::LoupeZoomIn, "loupe_zoom_in", "Loupe: more magnification (also Ctrl+wheel)", ctrl(GLFW_KEY_EQUAL)},
    ActionBinding{Action::LoupeZoomOut, "loupe_zoom_out", "Loupe: less magnification", ctrl(GLFW_KEY_MINUS)},
    ActionBinding{Action::ToggleEnhance, "toggle_enhance", "Loupe: local contrast enhancement for endplates", key(GLFW_KEY_E)},
    ActionBinding{Action::ToggleFollow, "toggle_follow", "Follow mode: centre the view on the current vertebra", key(GLFW_KEY_C)},
    ActionBinding{Action::NextUnfinishedImage, "next_unfinished_image", "Next unfinished image", key(GLFW_KEY_U)},
    ActionBinding{Action::AcceptPrediction, "accept_prediction", "Accept the predicted landmarks (ghost points)", key(GLFW_KEY_ENTER)},
    ActionBinding{Action::RejectPrediction, "reject_prediction", "Reject the prediction and place by hand", key(GLFW_KEY_X)},
    ActionBinding{Action::MarkNotVisible, "mark_not_visible", "Mark the current vertebra not visible (again: visible)", key(GLFW_KEY_V)},
    ActionBinding{Action::MarkNotAssessable, "mark_not_assessable", "Mark the current vertebra not assessable (again: visible)", shift(GLFW_KEY_V)},
    ActionBinding{Action::ShiftLabelsUp, "shift_labels_up", "Shift every label one level up (L5 becomes L4)", alt(GLFW_KEY_UP)},
    ActionBinding{Action::ShiftLabelsDown, "shift_labels_down", "Shift every label one level down (L4 becomes L5)", alt(GLFW_KEY_DOWN)},
    ActionBinding{Action::ToggleL6, "toggle_l6", "Insert or remove the variant level L6", alt(GLFW_KEY_6)},
    ActionBinding{Action::ToggleT13, "toggle_t13", "Insert or remove the variant level T13", alt(GLFW_KEY_3)},
    ActionBinding{Action::MarkDone, "mark_done", "Mark the image done (runs the quality checks)", ctrl(GLFW_KEY_D)},
    ActionBinding{Action::FlagImage, "flag_image", "Flag the image for the radiologist", ctrl(GLFW_KEY_F)},
    ActionBinding{Action::Approve, "approve", "Review: approve the image", ctrl(GLFW_KEY_ENTER)},
    ActionBinding{Action::RequestChanges, "request_changes", "Review: send back with a comment", ctrl(GLFW_KEY_R)},
    ActionBinding{Action::MarkCorrected, "mark_corrected", "Review: mark corrected by the reviewer", ctrl(GLFW_KEY_K)},
    ActionBinding{Action::Reopen, "reopen", "Reopen the image for editing", ctrl(GLFW_KEY_O)},
    ActionBinding{Action::AddComment, "add_comment", "Comment on the current landmark", ctrl(GLFW_KEY_M)},
    ActionBinding{Action::ToggleReviewMode, "toggle_review_mode", "Switch between annotation and review mode", ctrlShift(GLFW_KEY_R)},
    ActionBinding{Action::ToggleHistory, "toggle_history", "Show or hide the history of the current landmark", key(GLFW_KEY_H)},
    ActionBinding{Action::ToggleOriginals, "toggle_originals", "Review: show the annotator's original points", key(GLFW_KEY_T)},
    ActionBinding{Action::ToggleKpis, "toggle_kpis", "Show or hide the project KPIs", key(GLFW_KEY_F9)},
    ActionBinding{Action::ToggleChecksPanel, "toggle_checks_panel", "Show or hide the checks and comments panel", key(GLFW_KEY_J)},
};

struct KeyName {
  int code;
  std::string_view name;
};

constexpr std::array s_keyNames{
    KeyName{GLFW_KEY_SPACE, "SPACE"}, KeyName{GLFW_KEY_APOSTROPHE, "APOSTROPHE"}, KeyName{GLFW_KEY_COMMA, "COMMA"},
    KeyName{GLFW_KEY_MINUS, "MINUS"}, KeyName{GLFW_KEY_PERIOD, "PERIOD"}, KeyName{GLFW_KEY_SLASH, "SLASH"},
    KeyName{GLFW_KEY_SEMICOLON, "SEMICOLON"}, KeyName{GLFW_KEY_EQUAL, "EQUAL"},
    KeyName{GLFW_KEY_LEFT_BRACKET, "LEFT_BRACKET"}, KeyName{GLFW_KEY_BACKSLASH, "BACKSLASH"},
    KeyName{GLFW_KEY_RIGHT_BRACKET, "RIGHT_BRACKET"}, KeyName{GLFW_KEY_GRAVE_ACCENT, "GRAVE_ACCENT"},
    KeyName{GLFW_KEY_ESCAPE, "ESCAPE"}, KeyName{GLFW_KEY_ENTER, "ENTER"}, KeyName{GLFW_KEY_TAB, "TAB"},
    KeyName{GLFW_KEY_BACKSPACE, "BACKSPACE"}, KeyName{GLFW_KEY_INSERT, "INSERT"}, KeyName{GLFW_KEY_DELETE, "DELETE"},
    KeyName{GLFW_KEY_RIGHT, "RIGHT"}, KeyName{GLFW_KEY_LEFT, "LEFT"}, KeyName{GLFW_KEY_DOWN, "DOWN"},
    KeyName{GLFW_KEY_UP, "UP"}, KeyName{GLFW_KEY_PAGE_UP, "PAGE_UP"}, KeyName{GLFW_KEY_PAGE_DOWN, "PAGE_DOWN"},
    KeyName{GLFW_KEY_HOME, "HOME"}, KeyName{GLFW_KEY_END, "END"}, KeyName{GLFW_KEY_KP_ADD, "KP_ADD"},
    KeyName{GLFW_KEY_KP_SUBTRACT, "KP_SUBTRACT"}, KeyName{GLFW_KEY_KP_ENTER, "KP_ENTER"},
    KeyName{GLFW_KEY_LEFT_SHIFT, "LEFT_SHIFT"}, KeyName{GLFW_KEY_LEFT_CONTROL, "LEFT_CONTROL"},
    KeyName{GLFW_KEY_LEFT_ALT, "LEFT_ALT"}, KeyName{GLFW_KEY_RIGHT_SHIFT, "RIGHT_SHIFT"},
    KeyName{GLFW_KEY_RIGHT_CONTROL, "RIGHT_CONTROL"}, KeyName{GLFW_KEY_RIGHT_ALT, "RIGHT_ALT"},
};

// Display names of non-printing keys for help text.
std::string keyLabel(int code)
{
  switch (code) {
    case GLFW_KEY_SPACE: return "Space";
    case GLFW_KEY_TAB: return "Tab";
    case GLFW_KEY_DELETE: return "Delete";
    case GLFW_KEY_BACKSPACE: return "Backspace";
    case GLFW_KEY_LEFT: return "Left";
    case GLFW_KEY_RIGHT: return "Right";
    case GLFW_KEY_UP: return "Up";
    case GLFW_KEY_DOWN: return "Down";
    case GLFW_KEY_PAGE_UP: return "Page Up";
    case GLFW_KEY_PAGE_DOWN: return "Page Down";
    case GLFW_KEY_EQUAL: return "=";
    case GLFW_KEY_MINUS: return "-";
    case GLFW_KEY_KP_ADD: return "Keypad +";
    case GLFW_KEY_KP_SUBTRACT: return "Keypad -";
    case GLFW_KEY_LEFT_BRACKET: return "[";
    case GLFW_KEY_RIGHT_BRACKET: return "]";
    case GLFW_KEY_COMMA: return ",";
    case GLFW_KEY_PERIOD: return ".";
    case GLFW_KEY_ENTER: return "Enter";
    default: break;
  }
  return std::string(keyNameForCode(code));
}

}  // namespace

std::span<const ActionBinding> actionTable() { return s_bindings; }

const ActionBinding& defaultBinding(Action action)
{
  for (const auto& binding : s_bindings) {
    if (binding.action == action) {
      return binding;
    }
  }
  return s_bindings.front();  // unreachable: every Action has a row
}

Keymap::Keymap()
{
  for (const auto& binding : s_bindings) {
    m_chords.emplace_back(binding.chord);
  }
}

void Keymap::loadOverrides(const std::filesystem::path& file)
{
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (const auto error = parser.load(file.string()).get(root)) {
    throw std::runtime_error("keymap " + file.string() + " is not valid JSON (" + simdjson::error_message(error) +
                             "); fix or delete it to use the default keys");
  }
  simdjson::dom::object entries;
  if (root.get(entries)) {
    throw std::runtime_error("keymap " + file.string() + " must be a JSON object of \"action\": \"chord\"");
  }
  auto chords = m_chords;
  for (const auto field : entries) {
    // A named copy, because clang before 16 cannot capture a structured binding in a lambda.
    const std::string_view name = field.key;
    const simdjson::dom::element value = field.value;
    const auto row = std::find_if(s_bindings.begin(), s_bindings.end(),
                                  [&](const ActionBinding& binding) { return binding.name == name; });
    if (row == s_bindings.end()) {
      throw std::runtime_error("keymap " + file.string() + ": unknown action \"" + std::string(name) +
                               "\" (the help window lists the action names)");
    }
    std::string_view text;
    if (value.get(text)) {
      throw std::runtime_error("keymap " + file.string() + ": the value of \"" + std::string(name) +
                               "\" must be a string such as \"ctrl+z\" or \"none\"");
    }
    auto& slot = chords[static_cast<std::size_t>(row - s_bindings.begin())];
    if (text == "none") {
      slot.reset();
    } else if (const auto chord = parseChord(text)) {
      slot = chord;
    } else {
      throw std::runtime_error("keymap " + file.string() + ": invalid key \"" + std::string(text) + "\" for \"" +
                               std::string(name) + "\" (use GLFW key names with ctrl+, shift+, alt+)");
    }
  }
  m_chords = std::move(chords);
}

std::optional<Action> Keymap::actionFor(const KeyChord& chord) const
{
  for (std::size_t i = 0; i < m_chords.size(); ++i) {
    if (m_chords[i] && *m_chords[i] == chord) {
      return s_bindings[i].action;
    }
  }
  return std::nullopt;
}

std::optional<KeyChord> Keymap::chordFor(Action action) const
{
  for (std::size_t i = 0; i < m_chords.size(); ++i) {
    if (s_bindings[i].action == action) {
      return m_chords[i];
    }
  }
  return std::nullopt;
}

std::string Keymap::labelFor(Action action) const
{
  const auto chord = chordFor(action);
  return chord ? chordLabel(*chord) : "unbound";
}

std::optional<KeyChord> parseChord(std::string_view text)
{
  KeyChord chord;
  std::string rest(text);
  std::transform(rest.begin(), rest.end(), rest.begin(), [](unsigned char c) { return std::toupper(c); });
  while (true) {
    const auto plus = rest.find('+');
    if (plus == std::string::npos || plus + 1 == rest.size()) {
      break;
    }
    const std::string modifier = rest.substr(0, plus);
    if (modifier == "CTRL" || modifier == "CONTROL") {
      chord.ctrl = true;
    } else if (modifier == "SHIFT") {
      chord.shift = true;
    } else if (modifier == "ALT") {
      chord.alt = true;
    } else {
      return std::nullopt;
    }
    rest = rest.substr(plus + 1);
  }
  const auto code = keyCodeForName(rest);
  if (!code) {
    return std::nullopt;
  }
  chord.key = *code;
  return chord;
}

std::filesystem::path defaultKeymapPath()
{
  if (const char* config = std::getenv("XDG_CONFIG_HOME"); config && *config) {
    return std::filesystem::path(config) / "spinemark" / "keymap.json";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".config" / "spinemark" / "keymap.json";
  }
  return {};
}

int logicalKey(int key, const char* printedName)
{
  if (!printedName || printedName[0] == '\0' || printedName[1] != '\0') {
    return key;  // not printable, or a multi-byte (non-Latin) character
  }
  const char printed = static_cast<char>(std::tolower(static_cast<unsigned char>(printedName[0])));
  if (printed >= 'a' && printed <= 'z') {
    return GLFW_KEY_A + (printed - 'a');
  }
  if (printed >= '0' && printed <= '9') {
    return GLFW_KEY_0 + (printed - '0');
  }
  static constexpr std::array<std::pair<char, int>, 11> s_punctuation{{{'-', GLFW_KEY_MINUS},
                                                                        {'=', GLFW_KEY_EQUAL},
                                                                        {'[', GLFW_KEY_LEFT_BRACKET},
                                                                        {']', GLFW_KEY_RIGHT_BRACKET},
                                                                        {',', GLFW_KEY_COMMA},
                                                                        {'.', GLFW_KEY_PERIOD},
                                                                        {';', GLFW_KEY_SEMICOLON},
                                                                        {'/', GLFW_KEY_SLASH},
                                                                        {'\'', GLFW_KEY_APOSTROPHE},
                                                                        {'\\', GLFW_KEY_BACKSLASH},
                                                                        {'`', GLFW_KEY_GRAVE_ACCENT}}};
  for (const auto& [character, code] : s_punctuation) {
    if (printed == character) {
      return code;
    }
  }
  return key;
}

std::string chordLabel(const KeyChord& chord)
{
  std::string label;
  if (chord.ctrl) label += "Ctrl+";
  if (chord.alt) label += "Alt+";
  if (chord.shift) label += "Shift+";
  return label + keyLabel(chord.key);
}

std::optional<int> keyCodeForName(std::string_view name)
{
  if (name.size() == 1 && name[0] >= 'A' && name[0] <= 'Z') {
    return GLFW_KEY_A + (name[0] - 'A');
  }
  if (name.size() == 1 && name[0] >= '0' && name[0] <= '9') {
    return GLFW_KEY_0 + (name[0] - '0');
  }
  if (name.size() >= 2 && name[0] == 'F' && name.find_first_not_of("0123456789", 1) == std::string_view::npos) {
    const int number = std::stoi(std::string(name.substr(1)));
    if (number >= 1 && number <= 25) {
      return GLFW_KEY_F1 + number - 1;
    }
  }
  for (const auto& entry : s_keyNames) {
    if (entry.name == name) {
      return entry.code;
    }
  }
  return std::nullopt;
}

std::string_view keyNameForCode(int key)
{
  static const std::array<std::string, 26 + 10 + 25> s_generated = [] {
    std::array<std::string, 26 + 10 + 25> names;
    for (int i = 0; i < 26; ++i) names[static_cast<std::size_t>(i)] = std::string(1, static_cast<char>('A' + i));
    for (int i = 0; i < 10; ++i) names[static_cast<std::size_t>(26 + i)] = std::string(1, static_cast<char>('0' + i));
    for (int i = 0; i < 25; ++i) names[static_cast<std::size_t>(36 + i)] = "F" + std::to_string(i + 1);
    return names;
  }();
  if (key >= GLFW_KEY_A && key <= GLFW_KEY_Z) return s_generated[static_cast<std::size_t>(key - GLFW_KEY_A)];
  if (key >= GLFW_KEY_0 && key <= GLFW_KEY_9) return s_generated[static_cast<std::size_t>(26 + key - GLFW_KEY_0)];
  if (key >= GLFW_KEY_F1 && key <= GLFW_KEY_F25) return s_generated[static_cast<std::size_t>(36 + key - GLFW_KEY_F1)];
  for (const auto& entry : s_keyNames) {
    if (entry.code == key) {
      return entry.name;
    }
  }
  return "UNKNOWN";
}

}  // namespace spinemark::app
