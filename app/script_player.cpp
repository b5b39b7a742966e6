#include "app/script_player.h"

#include "app/application.h"
#include "app/key_table.h"

#include <GLFW/glfw3.h>

namespace spinemark::app {
namespace {

constexpr int DragSteps = 6;  // intermediate cursor moves of a scripted drag, one per frame

struct Modifier {
  bool active;
  int key;
  int bit;
};

std::vector<Modifier> modifiersOf(const core::ScriptEvent& event)
{
  return {{event.ctrl, GLFW_KEY_LEFT_CONTROL, GLFW_MOD_CONTROL},
          {event.shift, GLFW_KEY_LEFT_SHIFT, GLFW_MOD_SHIFT},
          {event.alt, GLFW_KEY_LEFT_ALT, GLFW_MOD_ALT},
          {event.super, GLFW_KEY_LEFT_SUPER, GLFW_MOD_SUPER}};
}

int modifierBits(const core::ScriptEvent& event)
{
  int bits = 0;
  for (const auto& modifier : modifiersOf(event)) {
    bits |= modifier.active ? modifier.bit : 0;
  }
  return bits;
}

// The character a US keyboard types for key, as GLFW's char callback would deliver it, or 0.
unsigned int typedCharacter(int key, bool shift)
{
  if (key >= GLFW_KEY_A && key <= GLFW_KEY_Z) {
    return static_cast<unsigned int>((shift ? 'A' : 'a') + (key - GLFW_KEY_A));
  }
  if (key >= GLFW_KEY_0 && key <= GLFW_KEY_9 && !shift) {
    return static_cast<unsigned int>('0' + (key - GLFW_KEY_0));
  }
  switch (key) {
    case GLFW_KEY_SPACE: return ' ';
    case GLFW_KEY_PERIOD: return shift ? '>' : '.';
    case GLFW_KEY_COMMA: return shift ? '<' : ',';
    case GLFW_KEY_MINUS: return shift ? '_' : '-';
    case GLFW_KEY_SLASH: return shift ? '?' : '/';
    default: return 0;
  }
}

}  // namespace

ScriptPlayer::ScriptPlayer(std::vector<core::ScriptEvent> events) : m_events(std::move(events))
{
  for (const auto& event : m_events) {
    if (event.action == core::ScriptAction::Key && !keyCodeForName(event.key)) {
      throw core::ScriptError("input script line " + std::to_string(event.line) + ": unknown key name '" +
                              event.key + "' (use GLFW names such as A, SPACE, PAGE_DOWN, F1, EQUAL)");
    }
  }
}

bool ScriptPlayer::step(Application& app)
{
  while (m_steps.empty() && m_next < m_events.size()) {
    if (m_events[m_next].action == core::ScriptAction::WaitPrefetch && app.decoding()) {
      return true;  // try again next frame
    }
    expand(m_events[m_next++], app);
  }
  if (m_steps.empty()) {
    return false;
  }
  Step step = std::move(m_steps.front());
  m_steps.pop_front();
  step(app);
  return true;
}

void ScriptPlayer::expand(const core::ScriptEvent& event, Application& app)
{
  using core::ScriptAction;
  const auto& view = app.canvas().view();
  const core::Point start = (event.action == ScriptAction::MoveScreen || event.action == ScriptAction::ClickScreen)
                                ? core::Point{event.x0, event.y0}
                                : view.imageToScreen({event.x0, event.y0});
  const core::Point end = view.imageToScreen({event.x1, event.y1});
  const int mods = modifierBits(event);

  switch (event.action) {
    case ScriptAction::Key: {
      const int key = *keyCodeForName(event.key);
      const auto modifiers = modifiersOf(event);
      m_steps.push_back([=](Application& a) {
        for (const auto& modifier : modifiers) {
          if (modifier.active) a.input().onKey(modifier.key, 0, GLFW_PRESS, mods);
        }
        a.input().onKey(key, 0, GLFW_PRESS, mods);
        // A real keyboard also delivers the typed character, which text fields need.
        const unsigned int typed = (mods & (GLFW_MOD_CONTROL | GLFW_MOD_ALT | GLFW_MOD_SUPER)) == 0
                                       ? typedCharacter(key, (mods & GLFW_MOD_SHIFT) != 0)
                                       : 0;
        if (typed != 0) {
          a.input().onChar(typed);
        }
      });
      m_steps.push_back([=](Application& a) {
        a.input().onKey(key, 0, GLFW_RELEASE, mods);
        for (const auto& modifier : modifiers) {
          if (modifier.active) a.input().onKey(modifier.key, 0, GLFW_RELEASE, 0);
        }
      });
      break;
    }
    case ScriptAction::Move:
    case ScriptAction::MoveScreen:
      m_steps.push_back([=](Application& a) { a.input().onCursorPos(start.x, start.y); });
      break;
    case ScriptAction::Click:
    case ScriptAction::ClickScreen:
      m_steps.push_back([=](Application& a) {
        a.input().onCursorPos(start.x, start.y);
        a.input().onMouseButton(GLFW_MOUSE_BUTTON_LEFT, GLFW_PRESS, 0);
      });
      m_steps.push_back([](Application& a) { a.input().onMouseButton(GLFW_MOUSE_BUTTON_LEFT, GLFW_RELEASE, 0); });
      break;
    case ScriptAction::Drag:
      m_steps.push_back([=](Application& a) {
        a.input().onCursorPos(start.x, start.y);
        a.input().onMouseButton(GLFW_MOUSE_BUTTON_LEFT, GLFW_PRESS, 0);
      });
      for (int i = 1; i <= DragSteps; ++i) {
        const double t = static_cast<double>(i) / DragSteps;
        const core::Point at{start.x + (end.x - start.x) * t, start.y + (end.y - start.y) * t};
        m_steps.push_back([=](Application& a) { a.input().onCursorPos(at.x, at.y); });
      }
      m_steps.push_back([](Application& a) { a.input().onMouseButton(GLFW_MOUSE_BUTTON_LEFT, GLFW_RELEASE, 0); });
      break;
    case ScriptAction::Wait:
      for (int i = 0; i < event.frames; ++i) {
        m_steps.push_back([](Application&) {});
      }
      break;
    case ScriptAction::WaitPrefetch:
      break;  // step() holds the script until decoding has finished
    case ScriptAction::Screenshot: {
      const std::filesystem::path path = event.path;
      m_steps.push_back([path](Application& a) { a.requestScreenshot(path); });
      break;
    }
    case ScriptAction::Quit:
      m_steps.push_back([](Application& a) { a.requestQuit(); });
      break;
  }
}

}  // namespace spinemark::app
