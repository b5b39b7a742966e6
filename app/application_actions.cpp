// Application::handleKeys and runAction: what each entry of the key table does.
#include "app/application.h"

#include "core/levels.h"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <array>

namespace spinemark::app {
namespace {

constexpr double ZoomStep = 1.25;
constexpr double PanStepPixels = 80.0;
constexpr std::array GammaSteps{1.0, 1.5, 2.2, 0.7};

}  // namespace

void Application::handleKeys(const std::vector<InputEvent>& events)
{
  for (const auto& event : events) {
    if (event.type != InputEvent::Type::Key || event.action == GLFW_RELEASE) {
      continue;
    }
    const KeyChord chord{event.key, (event.mods & GLFW_MOD_CONTROL) != 0, (event.mods & GLFW_MOD_SHIFT) != 0,
                         (event.mods & GLFW_MOD_ALT) != 0};
    if (const auto action = actionForChord(chord)) {
      runAction(*action);
    }
  }
}

void Application::adjustWindow(double widthFactor, double centerStepFraction)
{
  if (!m_workbench->hasImage()) {
    return;
  }
  const auto& image = m_workbench->image();
  auto& window = m_canvas.display().window;
  window.width = std::max(1.0, window.width * widthFactor);
  window.center += centerStepFraction * std::max(image.maxValue - image.minValue, 1.0);
}

void Application::runAction(Action action)
{
  const bool hasImage = m_workbench->hasImage();
  switch (action) {
    case Action::ToggleHelp: m_ui.showHelp = !m_ui.showHelp; return;
    case Action::Quit: requestQuit(); return;
    case Action::SaveNow: m_workbench->saveNow(); return;
    case Action::NextImage:
    case Action::NextImageAlternative: m_workbench->requestNext(); return;
    case Action::PreviousImage:
    case Action::PreviousImageAlternative: m_workbench->requestPrevious(); return;
    default: break;
  }
  if (!hasImage) {
    return;
  }
  auto& session = m_workbench->session();
  const auto& image = m_workbench->image();
  switch (action) {
    case Action::PlaceLandmark:
      if (const auto position = m_canvas.cursorImage()) {
        session.placeCurrent(*position);
      }
      break;
    case Action::NextLandmark: session.nextLandmark(); break;
    case Action::PreviousLandmark: session.previousLandmark(); break;
    case Action::NextVertebra: session.nextVertebra(); break;
    case Action::PreviousVertebra: session.previousVertebra(); break;
    case Action::NudgeLeft: session.nudgeCurrent(-1.0, 0.0); break;
    case Action::NudgeRight: session.nudgeCurrent(1.0, 0.0); break;
    case Action::NudgeUp: session.nudgeCurrent(0.0, -1.0); break;
    case Action::NudgeDown: session.nudgeCurrent(0.0, 1.0); break;
    case Action::FineNudgeLeft: session.nudgeCurrent(-0.1, 0.0); break;
    case Action::FineNudgeRight: session.nudgeCurrent(0.1, 0.0); break;
    case Action::FineNudgeUp: session.nudgeCurrent(0.0, -0.1); break;
    case Action::FineNudgeDown: session.nudgeCurrent(0.0, 0.1); break;
    case Action::DeleteLandmark:
    case Action::DeleteLandmarkAlternative: session.deleteCurrent(); break;
    case Action::Undo: session.undo(); break;
    case Action::Redo:
    case Action::RedoAlternative: session.redo(); break;
    case Action::CycleOrientation: {
      auto orientation = core::nextOrientation(session.annotation().orientation);
      orientation.source = core::Orientation::Source::Annotator;
      session.setOrientation(orientation);
      break;
    }
    case Action::ZoomIn:
    case Action::ZoomInKeypad: m_canvas.zoomAtCursor(ZoomStep); break;
    case Action::ZoomOut:
    case Action::ZoomOutKeypad: m_canvas.zoomAtCursor(1.0 / ZoomStep); break;
    case Action::FitToWindow: m_canvas.fitToWindow(image); break;
    case Action::OneToOne: m_canvas.oneToOne(); break;
    case Action::PanLeft: m_canvas.pan(PanStepPixels, 0.0); break;
    case Action::PanRight: m_canvas.pan(-PanStepPixels, 0.0); break;
    case Action::PanUp: m_canvas.pan(0.0, PanStepPixels); break;
    case Action::PanDown: m_canvas.pan(0.0, -PanStepPixels); break;
    case Action::WindowNarrower: adjustWindow(1.0 / 1.15, 0.0); break;
    case Action::WindowWider: adjustWindow(1.15, 0.0); break;
    case Action::LevelDown: adjustWindow(1.0, -0.02); break;
    case Action::LevelUp: adjustWindow(1.0, 0.02); break;
    case Action::ResetWindow: m_canvas.display().window = image.defaultWindow; break;
    case Action::PresetFullRange: m_canvas.display().window = core::fullRangeWindow(image); break;
    case Action::PresetHistogram: m_canvas.display().window = core::histogramWindow(image); break;
    case Action::PresetHeader:
      if (image.headerWindow) {
        m_canvas.display().window = *image.headerWindow;
      } else {
        addMessages(m_ui, {{core::MessageSeverity::Info, "This image has no window in its header."}});
      }
      break;
    case Action::ToggleInvert: m_canvas.display().invert = !m_canvas.display().invert; break;
    case Action::CycleGamma: {
      const auto current = std::find(GammaSteps.begin(), GammaSteps.end(), m_canvas.display().gamma);
      const auto next = (current == GammaSteps.end() || current + 1 == GammaSteps.end()) ? GammaSteps.begin() : current + 1;
      m_canvas.display().gamma = *next;
      break;
    }
    default: break;
  }
}

}  // namespace spinemark::app
