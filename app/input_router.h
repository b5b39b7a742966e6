// One entry point for every input event, whether GLFW delivers it or an input script injects it.
// Each event goes to Dear ImGui's GLFW backend first and is then queued for the canvas, which acts
// on it only when ImGui does not want the mouse or keyboard.
#pragma once

#include <vector>

struct GLFWwindow;

namespace spinemark::app {

struct InputEvent {
  enum class Type { Key, MouseButton, CursorPos, Scroll, Char } type = Type::Key;
  int key = 0;     // Key: GLFW_KEY_*; Char: the Unicode code point
  int action = 0;  // Key, MouseButton: GLFW_PRESS, GLFW_RELEASE or GLFW_REPEAT
  int mods = 0;    // GLFW_MOD_* bits
  int button = 0;  // MouseButton: GLFW_MOUSE_BUTTON_*
  double x = 0.0;  // CursorPos and MouseButton: cursor in logical window pixels
  double y = 0.0;
  double scroll = 0.0;  // Scroll: vertical wheel steps, positive away from the user
  int scancode = 0;     // Key: platform scancode, 0 for scripted keys
};

class InputRouter {
 public:
  // Installs GLFW callbacks on window that call the methods below. The ImGui GLFW backend must
  // have been initialised with install_callbacks = false.
  void install(GLFWwindow* window);

  void onKey(int key, int scancode, int action, int mods);
  void onChar(unsigned int codepoint);
  void onMouseButton(int button, int action, int mods);
  void onCursorPos(double x, double y);
  void onScroll(double dx, double dy);
  void onFocus(bool focused);
  void onCursorEnter(bool entered);

  // Overrides the mouse state that ImGui_ImplGlfw_NewFrame polled from the OS with the state
  // these events produced, so injected input and real input look the same to ImGui.
  void applyMouseStateToImGui() const;

  std::vector<InputEvent> takeEvents();
  double cursorX() const { return m_cursorX; }
  double cursorY() const { return m_cursorY; }
  bool buttonDown(int button) const { return button >= 0 && button < 3 && m_buttons[button]; }
  int modifiers() const { return m_mods; }

 private:
  GLFWwindow* m_window = nullptr;
  std::vector<InputEvent> m_events;
  double m_cursorX = -1.0;
  double m_cursorY = -1.0;
  bool m_buttons[3] = {false, false, false};
  bool m_buttonPressedThisFrame[3] = {false, false, false};
  int m_mods = 0;
};

}  // namespace spinemark::app
