// Application::handleKeys and runAction: what each entry of the key table does.
#include "app/application.h"

#include "core/levels.h"

#include <GLFW/glfw3.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

namespace spinemark::app {
namespace {

// The suggested points of the current vertebra's unplaced landmarks, or nullopt when there are none.
std::optional<Canvas::Ghosts> ghostsOf(const core::AnnotationSession& session,
                                       const std::optional<core::assist::VertebraPoints>& suggestion)
{
  if (!suggestion) {
    return std::nullopt;
  }
  const auto level = session.current().level;
  Canvas::Ghosts ghosts;
  bool any = false;
  for (int slot = 0; slot < core::SlotCount; ++slot) {
    if (!session.pointAt({level, static_cast<core::Slot>(slot)})) {
      ghosts[static_cast<std::size_t>(slot)] = (*suggestion)[static_cast<std::size_t>(slot)];
      any = true;
    }
  }
  return any ? std::optional<Canvas::Ghosts>(ghosts) : std::nullopt;
}

// Actions that change the open annotation, which a read-only image must reject. Viewing actions
// (zoom, pan, window, landmark and vertebra selection) stay available.
bool changesAnnotation(Action action)
{
  switch (action) {
    case Action::PlaceLandmark:
    case Action::AcceptPrediction:
    case Action::MarkNotVisible:
    case Action::MarkNotAssessable:
    case Action::ShiftLabelsUp:
    case Action::ShiftLabelsDown:
    case Action::ToggleL6:
    case Action::ToggleT13:
    case Action::MarkDone:
    case Action::FlagImage:
    case Action::Approve:
    case Action::RequestChanges:
    case Action::MarkCorrected:
    case Action::Reopen:
    case Action::AddComment:
    case Action::NudgeLeft:
    case Action::NudgeRight:
    case Action::NudgeUp:
    case Action::NudgeDown:
    case Action::FineNudgeLeft:
    case Action::FineNudgeRight:
    case Action::FineNudgeUp:
    case Action::FineNudgeDown:
    case Action::DeleteLandmark:
    case Action::DeleteLandmarkAlternative:
    case Action::Undo:
    case Action::Redo:
    case Action::RedoAlternative:
    case Action::CycleOrientation:
      return true;
    default:
      return false;
  }
}

constexpr double ZoomStep = 1.25;
constexpr double PanStepPixels = 80.0;
constexpr std::array GammaSteps{1.0, 1.5, 2.2, 0.7};

std::optional<core::Point> centroid(const core::Vertebra& vertebra)
{
  core::Point sum;
  int count = 0;
  for (const auto& point : vertebra.points) {
    if (point) {
      sum.x += point->x;
      sum.y += point->y;
      ++count;
    }
  }
  if (count == 0) {
    return std::nullopt;
  }
  return core::Point{sum.x / count, sum.y / count};
}

std::optional<core::Point> centroidAt(const core::ImageAnnotation& annotation, std::optional<core::Level> level)
{
  if (!level) {
    return std::nullopt;
  }
  const auto found = annotation.vertebrae.find(*level);
  return found == annotation.vertebrae.end() ? std::nullopt : centroid(found->second);
}

std::optional<core::Point> followTarget(const core::AnnotationSession& session, core::Level level)
{
  const auto& annotation = session.annotation();
  if (const auto own = centroidAt(annotation, level)) {
    return own;
  }
  const auto below = session.nextLevelDown(level);
  const auto belowCentre = centroidAt(annotation, below);
  if (!belowCentre) {
    return std::nullopt;
  }
  const auto twoBelowCentre = centroidAt(annotation, below ? session.nextLevelDown(*below) : std::nullopt);
  if (!twoBelowCentre) {
    return belowCentre;
  }
  return core::Point{2.0 * belowCentre->x - twoBelowCentre->x, 2.0 * belowCentre->y - twoBelowCentre->y};
}

}  // namespace

void Application::handleKeys(const std::vector<InputEvent>& events)
{
  for (const auto& event : events) {
    // '?' opens the help whatever key produces it in the active layout.
    if (event.type == InputEvent::Type::Char && event.key == '?') {
      m_ui.showHelp = !m_ui.showHelp;
      continue;
    }
    if (event.type != InputEvent::Type::Key || event.action == GLFW_RELEASE) {
      continue;
    }
    const int key = logicalKey(event.key, glfwGetKeyName(event.key, event.scancode));
    const KeyChord chord{key, (event.mods & GLFW_MOD_CONTROL) != 0, (event.mods & GLFW_MOD_SHIFT) != 0,
                         (event.mods & GLFW_MOD_ALT) != 0};
    if (const auto action = m_keymap.actionFor(chord)) {
      runAction(*action);
    }
  }
}

// Active time counts edits only: opening and looking at an image must not rewrite its file, and
// recording activity is a change. Gaps between edits of up to a minute count as active.
void Application::recordActivity(int indexBefore, unsigned long revisionBefore)
{
  if (!m_workbench->hasImage() || m_workbench->currentIndex() != indexBefore) {
    return;
  }
  auto& session = m_workbench->session();
  if (session.revision() != revisionBefore) {
    session.recordActivity(m_workbench->options().user, std::chrono::system_clock::now());
  }
}

// Shows the prediction for the current vertebra and teaches the predictor each image that
// becomes complete.
void Application::updateAssistant()
{
  for (auto& message : m_assistant->takeMessages()) {
    addMessages(m_ui, {{core::MessageSeverity::Warning, std::move(message)}});
  }
  if (!m_workbench->hasImage()) {
    m_canvas.setGhosts(core::Level::L5, std::nullopt);
    return;
  }
  auto& session = m_workbench->session();
  const bool complete = core::annotationComplete(session.annotation(), m_workbench->options().startLevel);
  if (m_completionIndex != m_workbench->currentIndex()) {
    // An image that was already complete when it opened teaches nothing new.
    m_completionIndex = m_workbench->currentIndex();
    m_wasComplete = complete;
  }
  if (complete && !m_wasComplete) {
    m_assistant->learnFrom(session.annotation());
    const auto& active = session.annotation().activeSeconds;
    const auto mine = active.find(m_workbench->options().user);
    m_ui.sessionCompleted += 1;
    m_ui.sessionActiveSeconds += mine == active.end() ? 0.0 : mine->second;
  }
  m_wasComplete = complete;
  m_canvas.setGhosts(session.current().level, ghostsOf(session, m_assistant->suggestion(session)));
}

void Application::stepQueue(int step)
{
  const auto queue = currentQueue(m_review);
  if (const auto next = core::stepInQueue(queue, m_workbench->currentIndex(), step)) {
    m_workbench->requestImage(*next);
  } else {
    addMessages(m_ui, {{core::MessageSeverity::Info, queue.empty() ? "The queue is empty." : "End of the queue."}});
  }
}

void Application::reportResult(const core::ActionResult& result)
{
  if (!result.ok()) {
    addMessages(m_ui, {{core::MessageSeverity::Warning, result.error}});
  }
}

void Application::handleLoupeWheel(const std::vector<InputEvent>& events, bool imguiWantsMouse)
{
  for (const auto& event : events) {
    if (event.type == InputEvent::Type::Scroll && (event.mods & GLFW_MOD_CONTROL) != 0 && !imguiWantsMouse) {
      m_loupe.zoomBy(event.scroll);
    }
  }
}

// Follow mode keeps the vertebra being placed in the middle of the canvas: its placed points, or
// the vertebra below moved up by one vertebra step when nothing of it is placed yet.
void Application::followCurrentVertebra()
{
  if (!m_workbench->hasImage()) {
    m_followedLevel.reset();
    return;
  }
  const auto level = m_workbench->session().current().level;
  if (!m_follow || m_followedLevel == level) {
    m_followedLevel = level;
    return;
  }
  m_followedLevel = level;
  if (const auto target = followTarget(m_workbench->session(), level)) {
    m_canvas.centerOn(*target);
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
    case Action::NextImageAlternative:
      if (m_review.role == core::Role::Reviewer) {
        stepQueue(1);
      } else {
        m_workbench->requestNext();
      }
      return;
    case Action::NextUnfinishedImage: {
      // Sent-back images come first, then new and started ones, by their workflow state.
      auto queue = core::annotatorQueue(m_review.summaries);
      std::erase_if(queue, [&](int index) {
        return m_workbench->progress(index) == core::ImageProgress::Complete && index != m_workbench->currentIndex();
      });
      if (const auto next = core::stepInQueue(queue, m_workbench->currentIndex(), 1)) {
        m_workbench->requestImage(*next);
      } else if (!m_workbench->openNextUnfinished()) {
        addMessages(m_ui, {{core::MessageSeverity::Info, "Every image in this workspace is complete."}});
      }
      return;
    }
    case Action::ToggleReviewMode:
      m_review.role = m_review.role == core::Role::Reviewer ? core::Role::Annotator : core::Role::Reviewer;
      addMessages(m_ui, {{core::MessageSeverity::Info, m_review.role == core::Role::Reviewer
                                                           ? "Review mode: Next image follows the review queue."
                                                           : "Annotation mode."}});
      return;
    case Action::ToggleHistory: m_review.showHistory = !m_review.showHistory; return;
    case Action::ToggleKpis: m_kpis.toggle(m_workbench->workspace().annotationsDir); return;
    case Action::ToggleChecksPanel: m_review.showPanel = !m_review.showPanel; return;
    case Action::ToggleOriginals: m_review.showOriginals = !m_review.showOriginals; return;
    case Action::ToggleLoupe: m_loupe.enabled = !m_loupe.enabled; return;
    case Action::LoupeZoomIn: m_loupe.zoomBy(1.0); return;
    case Action::LoupeZoomOut: m_loupe.zoomBy(-1.0); return;
    case Action::ToggleEnhance: m_loupe.enhance = !m_loupe.enhance; return;
    case Action::ToggleFollow:
      m_follow = !m_follow;
      m_followedLevel.reset();
      return;
    case Action::PreviousImage:
    case Action::PreviousImageAlternative:
      if (m_review.role == core::Role::Reviewer) {
        stepQueue(-1);
      } else {
        m_workbench->requestPrevious();
      }
      return;
    default: break;
  }
  if (!hasImage) {
    return;
  }
  if (m_workbench->imageReadOnly() && changesAnnotation(action)) {
    spdlog::warn("rejected {} on a read-only image: {}", defaultBinding(action).name, m_workbench->readOnlyReason());
    addMessages(m_ui, {{core::MessageSeverity::Warning, m_workbench->readOnlyReason() + " The change was not made."}});
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
    case Action::AcceptPrediction:
      if (const auto& ghosts = m_canvas.ghosts()) {
        const auto level = session.current().level;
        session.setVertebraPoints(level, withGhostsAccepted(session, level, *ghosts));
      }
      break;
    case Action::RejectPrediction:
      m_assistant->reject(session.annotation().image.relativePath, session.current().level);
      break;
    case Action::MarkNotVisible:
    case Action::MarkNotAssessable: {
      const auto wanted = action == Action::MarkNotVisible ? core::VertebraStatus::NotVisible
                                                           : core::VertebraStatus::NotAssessable;
      const auto level = session.current().level;
      const auto found = session.annotation().vertebrae.find(level);
      const bool already = found != session.annotation().vertebrae.end() && found->second.status == wanted;
      session.setVertebraStatus(level, already ? core::VertebraStatus::Visible : wanted);
      break;
    }
    case Action::ShiftLabelsUp: reportResult(session.shiftLabels(1)); break;
    case Action::ShiftLabelsDown: reportResult(session.shiftLabels(-1)); break;
    case Action::ToggleL6:
    case Action::ToggleT13: {
      const auto level = action == Action::ToggleL6 ? core::Level::L6 : core::Level::T13;
      const bool enabled = session.annotation().variants.count(level) > 0;
      reportResult(enabled ? session.removeLevel(level) : session.insertLevel(level));
      break;
    }
    case Action::MarkDone: requestMarkDone(m_review, *m_workbench, m_ui); break;
    case Action::FlagImage: requestFlag(m_review); break;
    case Action::Approve: runWorkflowAction(session.approve(m_review.role), "Image approved.", m_ui); break;
    case Action::RequestChanges: requestChanges(m_review, m_ui); break;
    case Action::MarkCorrected:
      runWorkflowAction(session.markCorrected(m_review.role), "Image marked corrected.", m_ui);
      break;
    case Action::Reopen: runWorkflowAction(session.reopen(m_review.role), "Image reopened.", m_ui); break;
    case Action::AddComment: requestComment(m_review); break;
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
