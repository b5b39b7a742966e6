// The loupe: a magnified inset next to the cursor while the annotator places or drags a landmark,
// with a crosshair on the exact position a click would store. Optional local contrast enhancement
// (an unsharp mask in the shader) helps on faint endplates and never changes stored data.
#pragma once

#include "app/canvas.h"
#include "core/workbench.h"
#include "render/image_renderer.h"
#include "render/render_texture.h"

#include <optional>

struct ImDrawList;

namespace spinemark::app {

class Loupe {
 public:
  static constexpr double Size = 220.0;       // logical pixels, square
  static constexpr double MinFactor = 2.0;    // magnification relative to the canvas zoom
  static constexpr double MaxFactor = 16.0;
  static constexpr double EnhanceAmount = 1.5;  // unsharp-mask strength when enhancement is on

  bool enabled = true;
  bool enhance = false;
  double factor = 4.0;

  void zoomBy(double steps);  // wheel steps or key presses; positive magnifies

  // Decides whether the loupe shows this frame and where. focus is the image point under the
  // crosshair: the cursor, or the dragged landmark.
  // overPanel: the cursor is over an ImGui window, which then hides the loupe.
  void update(const Canvas& canvas, const core::Workbench& workbench, bool dragging, bool overPanel);
  // Records the loupe into ImGui's foreground draw list: image, crosshair, handles, border.
  void draw(ImDrawList* drawList, const core::Workbench& workbench) const;
  // Fills the loupe texture with the image; call after ImGui::Render and before the draw data
  // is rendered. Needs the GL context.
  void render(render::ImageRenderer& renderer, const render::ImageTexture& texture, const core::Image& image,
              const core::DisplaySettings& display, double framebufferScale);

  bool visible() const { return m_rect.has_value(); }

 private:
  core::ViewTransform loupeView() const;

  std::optional<CanvasRect> m_rect;  // where the loupe shows, logical window pixels
  core::Point m_focus;               // image point at the loupe's centre
  double m_canvasZoom = 1.0;
  render::RenderTexture m_target;
};

}  // namespace spinemark::app
