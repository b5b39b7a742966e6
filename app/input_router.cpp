#include "app/input_router.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>

namespace spinemark::app {
namespace {

InputRouter* routerOf(GLFWwindow* window)
{
  return static_cast<InputRouter*>(glfwGetWindowUserPointer(window));
}

}  // namespace

void InputRouter::install(GLFWwindow* window)
{
  m_window = window;
  glfwSetWindowUserPointer(window, this);
  glfwSetKeyCallback(window, [](GLFWwindow* w, int key, int scancode, int action, int mods) {
    routerOf(w)->onKey(key, scancode, action, mods);
  });
  glfwSetCharCallback(window, [](GLFWwindow* w, unsigned int c) { routerOf(w)->onChar(c); });
  glfwSetMouseButtonCallback(window, [](GLFWwindow* w, int button, int action, int mods) {
    routerOf(w)->onMouseButton(button, action, mods);
  });
  glfwSetCursorPosCallback(window, [](GLFWwindow* w, double x, double y) { routerOf(w)->onCursorPos(x, y); });
  glfwSetScrollCallback(window, [](GLFWwindow* w, double dx, double dy) { routerOf(w)->onScroll(dx, dy); });
  glfwSetWindowFocusCallback(window, [](GLFWwindow* w, int focused) { routerOf(w)->onFocus(focused != 0); });
  glfwSetCursorEnterCallback(window, [](GLFWwindow* w, int entered) { routerOf(w)->onCursorEnter(entered != 0); });
}

void InputRouter::onKey(int key, int scancode, int action, int mods)
{
  ImGui_ImplGlfw_KeyCallback(m_window, key, scancode, action, mods);
  m_mods = mods;
  m_events.push_back({InputEvent::Type::Key, key, action, mods, 0, m_cursorX, m_cursorY, 0.0, scancode});
}

void InputRouter::onChar(unsigned int codepoint)
{
  ImGui_ImplGlfw_CharCallback(m_window, codepoint);
  m_events.push_back({InputEvent::Type::Char, static_cast<int>(codepoint), 0, m_mods, 0, m_cursorX, m_cursorY, 0.0, 0});
}

void InputRouter::onMouseButton(int button, int action, int mods)
{
  ImGui_ImplGlfw_MouseButtonCallback(m_window, button, action, mods);
  if (button >= 0 && button < 3) {
    m_buttons[button] = action == GLFW_PRESS;
    if (action == GLFW_PRESS) {
      m_buttonPressedThisFrame[button] = true;
    }
  }
  m_mods = mods;
  m_events.push_back({InputEvent::Type::MouseButton, 0, action, mods, button, m_cursorX, m_cursorY, 0.0, 0});
}

void InputRouter::onCursorPos(double x, double y)
{
  m_cursorX = x;
  m_cursorY = y;
  m_events.push_back({InputEvent::Type::CursorPos, 0, 0, m_mods, 0, x, y, 0.0, 0});
}

void InputRouter::onScroll(double dx, double dy)
{
  ImGui_ImplGlfw_ScrollCallback(m_window, dx, dy);
  m_events.push_back({InputEvent::Type::Scroll, 0, 0, m_mods, 0, m_cursorX, m_cursorY, dy, 0});
}

void InputRouter::onFocus(bool focused)
{
  ImGui_ImplGlfw_WindowFocusCallback(m_window, focused ? 1 : 0);
}

void InputRouter::onCursorEnter(bool entered)
{
  ImGui_ImplGlfw_CursorEnterCallback(m_window, entered ? 1 : 0);
}

void InputRouter::applyMouseStateToImGui() const
{
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(static_cast<float>(m_cursorX), static_cast<float>(m_cursorY));
  for (int i = 0; i < 3; ++i) {
    // A press and release within one frame still counts as held for that frame, as the backend does.
    io.MouseDown[i] = m_buttons[i] || m_buttonPressedThisFrame[i];
  }
}

std::vector<InputEvent> InputRouter::takeEvents()
{
  for (bool& pressed : m_buttonPressedThisFrame) {
    pressed = false;
  }
  std::vector<InputEvent> events;
  events.swap(m_events);
  return events;
}

}  // namespace spinemark::app
