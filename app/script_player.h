// Plays an input script (docs/scripting.md) into the running app, one step per frame, through
// the same InputRouter entry points that GLFW callbacks use.
#pragma once

#include "core/input_script.h"

#include <deque>
#include <filesystem>
#include <functional>
#include <vector>

namespace spinemark::app {

class Application;

class ScriptPlayer {
 public:
  // Throws core::ScriptError when a line names an unknown key.
  explicit ScriptPlayer(std::vector<core::ScriptEvent> events);

  // Performs this frame's step. Returns false once the script is finished.
  bool step(Application& app);
  bool finished() const { return m_steps.empty() && m_next >= m_events.size(); }

 private:
  using Step = std::function<void(Application&)>;
  void expand(const core::ScriptEvent& event, Application& app);

  std::vector<core::ScriptEvent> m_events;
  std::size_t m_next = 0;
  std::deque<Step> m_steps;  // queued per-frame steps of the current event
};

}  // namespace spinemark::app
