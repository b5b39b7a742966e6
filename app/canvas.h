// The image canvas: view state (zoom, pan, window/level) and the mouse tools that place, drag,
// pan and window. It reads input in window coordinates and calls the core model with image
// coordinates, so a test can drive the same model without a window.
#pragma once

#include "app/input_router.h"
#include "core/view_transform.h"
#include "core/window_level.h"
#include "core/workbench.h"

#include <array>
#include <optional>
#include <vector>

struct ImDrawList;

namespace spinemark::app {

struct CanvasRect {
  double x = 0, y = 0, width = 0, height = 0;
  bool contains(double px, double py) const { return px >= x && py >= y && px < x + width && py < y + height; }
};

class Canvas {
 public:
  // Radius, in screen pixels, within which a press grabs an existing landmark.
  static constexpr double GrabRadius = 8.0;
  // Movement, in screen pixels, below which a press and release count as a click.
  static constexpr double ClickSlop = 4.0;

  void setRect(const CanvasRect& rect);
  const CanvasRect& rect() const { return m_rect; }

  // Fits the image and resets window/level; call after a new image opened.
  void resetForImage(const core::Image& image);
  void fitToWindow(const core::Image& image);
  void oneToOne();
  void zoomAtCursor(double factor);
  void pan(double dx, double dy) { m_view.pan(dx, dy); }
  // Pans so that the image point lands in the middle of the canvas.
  void centerOn(core::Point image);
  bool draggingLandmark() const { return m_drag == DragMode::Landmark; }

  // Predicted points of level's unplaced landmarks, shown as ghosts (nullopt for placed slots).
  // On a vertebra without landmarks, pressing on one accepts all six and drags it.
  using Ghosts = std::array<std::optional<core::Point>, core::SlotCount>;
  void setGhosts(core::Level level, std::optional<Ghosts> ghosts);
  const std::optional<Ghosts>& ghosts() const { return m_ghosts; }

  // Applies mouse events that ImGui did not claim. Keyboard events are handled by the action table.
  void handleMouse(const std::vector<InputEvent>& events, bool imguiWantsMouse, core::Workbench& workbench);

  void drawOverlay(ImDrawList* drawList, const core::Workbench& workbench) const;

  core::ViewTransform& view() { return m_view; }
  const core::ViewTransform& view() const { return m_view; }
  core::DisplaySettings& display() { return m_display; }
  const core::DisplaySettings& display() const { return m_display; }
  core::Point cursorScreen() const { return m_cursor; }
  std::optional<core::Point> cursorImage() const;

 private:
  enum class DragMode { None, PendingClick, Landmark, Pan, WindowLevel };

  void onPress(int button, core::Point screen, core::Workbench& workbench);
  void onMove(core::Point screen, core::Point previous, core::Workbench& workbench);
  void onRelease(int button, core::Point screen, core::Workbench& workbench);
  std::optional<int> hitGhost(core::Point image) const;  // slot of the ghost within GrabRadius

  CanvasRect m_rect;
  core::ViewTransform m_view;
  core::DisplaySettings m_display;
  double m_valueRange = 1.0;  // modality range of the open image, scales right-drag windowing
  core::Point m_cursor{-1.0, -1.0};
  DragMode m_drag = DragMode::None;
  int m_dragButton = -1;
  core::Point m_pressScreen;
  core::Point m_grabOffset;  // landmark position minus press position, image pixels
  core::DisplaySettings m_displayAtPress;
  bool m_needsFit = false;
  std::optional<Ghosts> m_ghosts;
  core::Level m_ghostLevel = core::Level::L5;
};

// All six points of level once its ghost points are accepted: the ghosts, and the placed points
// where there is no ghost.
Canvas::Ghosts withGhostsAccepted(const core::AnnotationSession& session, core::Level level,
                                  const Canvas::Ghosts& ghosts);

}  // namespace spinemark::app
