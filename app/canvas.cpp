#include "app/canvas.h"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cmath>

namespace spinemark::app {

using core::Point;

void Canvas::setRect(const CanvasRect& rect) { m_rect = rect; }

void Canvas::resetForImage(const core::Image& image)
{
  m_display = core::DisplaySettings{};
  m_display.window = image.defaultWindow;
  m_valueRange = std::max(image.maxValue - image.minValue, 1.0);
  m_drag = DragMode::None;
  fitToWindow(image);
}

void Canvas::fitToWindow(const core::Image& image)
{
  constexpr double margin = 8.0;
  m_view.fit(image.width, image.height, m_rect.x + margin, m_rect.y + margin, m_rect.width - 2 * margin,
             m_rect.height - 2 * margin);
}

void Canvas::oneToOne()
{
  m_view.oneToOne(m_rect.contains(m_cursor.x, m_cursor.y)
                      ? m_cursor
                      : Point{m_rect.x + m_rect.width / 2, m_rect.y + m_rect.height / 2});
}

void Canvas::zoomAtCursor(double factor)
{
  const Point anchor = m_rect.contains(m_cursor.x, m_cursor.y)
                           ? m_cursor
                           : Point{m_rect.x + m_rect.width / 2, m_rect.y + m_rect.height / 2};
  m_view.zoomAt(anchor, factor);
}

void Canvas::centerOn(Point image)
{
  const Point now = m_view.imageToScreen(image);
  m_view.pan(m_rect.x + m_rect.width / 2.0 - now.x, m_rect.y + m_rect.height / 2.0 - now.y);
}

Canvas::Ghosts withGhostsAccepted(const core::AnnotationSession& session, core::Level level,
                                  const Canvas::Ghosts& ghosts)
{
  Canvas::Ghosts accepted;
  for (int slot = 0; slot < core::SlotCount; ++slot) {
    const auto index = static_cast<std::size_t>(slot);
    accepted[index] = ghosts[index] ? ghosts[index] : session.pointAt({level, static_cast<core::Slot>(slot)});
  }
  return accepted;
}

void Canvas::setGhosts(core::Level level, std::optional<Ghosts> ghosts)
{
  m_ghostLevel = level;
  m_ghosts = std::move(ghosts);
}

std::optional<Point> Canvas::cursorImage() const
{
  if (!m_rect.contains(m_cursor.x, m_cursor.y)) {
    return std::nullopt;
  }
  return core::onStoredGrid(m_view.screenToImage(m_cursor));
}

void Canvas::handleMouse(const std::vector<InputEvent>& events, bool imguiWantsMouse,
                         core::Workbench& workbench)
{
  for (const auto& event : events) {
    const Point screen{event.x, event.y};
    switch (event.type) {
      case InputEvent::Type::CursorPos: {
        const Point previous = m_cursor;
        m_cursor = screen;
        onMove(screen, previous, workbench);
        break;
      }
      case InputEvent::Type::MouseButton:
        if (event.action == GLFW_PRESS && !imguiWantsMouse && m_rect.contains(screen.x, screen.y)) {
          onPress(event.button, screen, workbench);
        } else if (event.action == GLFW_RELEASE && event.button == m_dragButton) {
          onRelease(event.button, screen, workbench);
        }
        break;
      case InputEvent::Type::Scroll:
        // Ctrl+wheel belongs to the loupe.
        if (!imguiWantsMouse && m_rect.contains(screen.x, screen.y) && (event.mods & GLFW_MOD_CONTROL) == 0) {
          m_view.zoomAt(screen, std::pow(1.25, event.scroll));
        }
        break;
      case InputEvent::Type::Key:
      case InputEvent::Type::Char:
        break;
    }
  }
}

void Canvas::onPress(int button, Point screen, core::Workbench& workbench)
{
  if (m_drag != DragMode::None || !workbench.hasImage()) {
    return;
  }
  m_dragButton = button;
  if (button == GLFW_MOUSE_BUTTON_LEFT && workbench.imageReadOnly()) {
    m_drag = DragMode::Pan;  // a read-only image may be panned, but a click must not place a landmark
    return;
  }
  m_pressScreen = screen;
  if (button == GLFW_MOUSE_BUTTON_LEFT) {
    auto& session = workbench.session();
    const Point image = m_view.screenToImage(screen);
    if (const auto hit = session.hitTest(image, GrabRadius / m_view.zoom)) {
      const Point landmark = *session.pointAt(*hit);
      m_grabOffset = {landmark.x - image.x, landmark.y - image.y};
      session.setCurrent(*hit);
      session.beginDrag(*hit);
      m_drag = DragMode::Landmark;
    } else if (const auto ghost = hitGhost(image)) {
      // Correcting one predicted point accepts the other ghost points as they are.
      session.setVertebraPoints(m_ghostLevel, withGhostsAccepted(session, m_ghostLevel, *m_ghosts));
      const core::LandmarkRef ref{m_ghostLevel, static_cast<core::Slot>(*ghost)};
      const Point landmark = *(*m_ghosts)[static_cast<std::size_t>(*ghost)];
      m_grabOffset = {landmark.x - image.x, landmark.y - image.y};
      m_ghosts.reset();
      session.setCurrent(ref);
      session.beginDrag(ref);
      m_drag = DragMode::Landmark;
    } else {
      m_drag = DragMode::PendingClick;
    }
  } else if (button == GLFW_MOUSE_BUTTON_MIDDLE) {
    m_drag = DragMode::Pan;
  } else if (button == GLFW_MOUSE_BUTTON_RIGHT) {
    m_displayAtPress = m_display;
    m_drag = DragMode::WindowLevel;
  }
}

std::optional<int> Canvas::hitGhost(Point image) const
{
  // Only a vertebra without landmarks has grabbable ghosts. Once one landmark is placed, a click
  // places the current landmark where it lands, even on a ghost, and Enter accepts the rest.
  if (!m_ghosts ||
      !std::all_of(m_ghosts->begin(), m_ghosts->end(), [](const auto& ghost) { return ghost; })) {
    return std::nullopt;
  }
  const double radius = GrabRadius / m_view.zoom;
  std::optional<int> nearest;
  double nearestDistance = radius;
  for (int slot = 0; slot < core::SlotCount; ++slot) {
    const auto& ghost = (*m_ghosts)[static_cast<std::size_t>(slot)];
    if (!ghost) {
      continue;
    }
    const double distance = std::hypot(ghost->x - image.x, ghost->y - image.y);
    if (distance <= nearestDistance) {
      nearest = slot;
      nearestDistance = distance;
    }
  }
  return nearest;
}

void Canvas::onMove(Point screen, Point previous, core::Workbench& workbench)
{
  const double dx = screen.x - m_pressScreen.x;
  const double dy = screen.y - m_pressScreen.y;
  switch (m_drag) {
    case DragMode::Landmark: {
      const Point image = m_view.screenToImage(screen);
      workbench.session().dragTo(core::onStoredGrid({image.x + m_grabOffset.x, image.y + m_grabOffset.y}));
      break;
    }
    case DragMode::PendingClick:
      if (std::hypot(dx, dy) > ClickSlop) {
        m_drag = DragMode::Pan;  // a left drag on empty image pans
      }
      break;
    case DragMode::Pan:
      break;
    case DragMode::WindowLevel: {
      // Horizontal drag changes the width, vertical the centre; a full canvas sweep spans the
      // image's value range.
      const double perPixel = m_valueRange / std::max(m_rect.width, 1.0);
      m_display.window.width = std::max(1.0, m_displayAtPress.window.width + dx * perPixel);
      m_display.window.center = m_displayAtPress.window.center + dy * perPixel;
      break;
    }
    case DragMode::None:
      break;
  }
  if (m_drag == DragMode::Pan) {
    m_view.pan(screen.x - previous.x, screen.y - previous.y);
  }
}

void Canvas::onRelease(int /*button*/, Point /*screen*/, core::Workbench& workbench)
{
  if (m_drag == DragMode::Landmark && workbench.hasImage()) {
    workbench.session().endDrag();
  } else if (m_drag == DragMode::PendingClick && workbench.hasImage()) {
    // The landmark goes where the button went down, which is where the annotator aimed.
    workbench.session().placeCurrent(core::onStoredGrid(m_view.screenToImage(m_pressScreen)));
  }
  m_drag = DragMode::None;
  m_dragButton = -1;
}

}  // namespace spinemark::app
