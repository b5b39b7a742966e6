#include "app/loupe.h"

#include <glad/gl.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace spinemark::app {
namespace {

constexpr double CursorGap = 28.0;  // logical pixels between the cursor and the loupe's edge
constexpr ImU32 BorderColor = IM_COL32(255, 255, 0, 255);
constexpr ImU32 CrosshairColor = IM_COL32(255, 60, 60, 230);
constexpr ImU32 HandleColor = IM_COL32(0, 220, 255, 255);

}  // namespace

void Loupe::zoomBy(double steps)
{
  factor = std::clamp(factor * std::pow(1.25, steps), MinFactor, MaxFactor);
}

void Loupe::update(const Canvas& canvas, const core::Workbench& workbench, bool dragging, bool overPanel)
{
  m_rect.reset();
  const auto cursor = canvas.cursorImage();
  if (!enabled || overPanel || !workbench.hasImage() || !cursor) {
    return;
  }
  const auto& session = workbench.session();
  // While the current landmark is still empty the annotator is aiming; a drag moves a point.
  const bool placing = !session.pointAt(session.current()).has_value();
  if (!placing && !dragging) {
    return;
  }
  m_focus = dragging && session.pointAt(session.current()) ? *session.pointAt(session.current()) : *cursor;
  m_canvasZoom = canvas.view().zoom;

  // Up and to the right of the cursor, flipped to stay inside the canvas.
  const auto& area = canvas.rect();
  const core::Point screen = canvas.cursorScreen();
  double x = screen.x + CursorGap;
  double y = screen.y - CursorGap - Size;
  if (x + Size > area.x + area.width) {
    x = screen.x - CursorGap - Size;
  }
  if (y < area.y) {
    y = screen.y + CursorGap;
  }
  m_rect = CanvasRect{x, y, Size, Size};
}

core::ViewTransform Loupe::loupeView() const
{
  core::ViewTransform view;
  view.zoom = m_canvasZoom * factor;
  view.offsetX = Size / 2.0 - m_focus.x * view.zoom;
  view.offsetY = Size / 2.0 - m_focus.y * view.zoom;
  return view;
}

void Loupe::render(render::ImageRenderer& renderer, const render::ImageTexture& texture, const core::Image& image,
                   const core::DisplaySettings& display, double framebufferScale)
{
  if (!m_rect) {
    return;
  }
  const int side = static_cast<int>(std::lround(Size * framebufferScale));
  m_target.resize(side, side);
  m_target.bind();
  glClearColor(0.0f, 0.0f, 0.0f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  core::DisplaySettings settings = display;
  settings.unsharpAmount = enhance ? EnhanceAmount : 0.0;
  renderer.draw(texture, image, loupeView(), settings, render::DrawTarget{side, side, framebufferScale, {}});
  render::RenderTexture::unbind();
}

void Loupe::draw(ImDrawList* drawList, const core::Workbench& workbench) const
{
  if (!m_rect || !workbench.hasImage()) {
    return;
  }
  const ImVec2 topLeft(static_cast<float>(m_rect->x), static_cast<float>(m_rect->y));
  const ImVec2 bottomRight(static_cast<float>(m_rect->x + Size), static_cast<float>(m_rect->y + Size));
  // The framebuffer texture has its origin at the bottom left, so v runs from 1 to 0.
  drawList->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(m_target.textureId())), topLeft,
                     bottomRight, ImVec2(0, 1), ImVec2(1, 0));
  drawList->PushClipRect(topLeft, bottomRight, true);

  const auto view = loupeView();
  for (const auto& [level, vertebra] : workbench.session().annotation().vertebrae) {
    for (const auto& point : vertebra.points) {
      if (point) {
        const core::Point local = view.imageToScreen(*point);
        drawList->AddCircle(ImVec2(topLeft.x + static_cast<float>(local.x), topLeft.y + static_cast<float>(local.y)),
                            5.0f, HandleColor, 0, 1.5f);
      }
    }
  }
  const ImVec2 centre(topLeft.x + static_cast<float>(Size / 2), topLeft.y + static_cast<float>(Size / 2));
  drawList->AddLine(ImVec2(centre.x - 14, centre.y), ImVec2(centre.x - 3, centre.y), CrosshairColor, 1.5f);
  drawList->AddLine(ImVec2(centre.x + 3, centre.y), ImVec2(centre.x + 14, centre.y), CrosshairColor, 1.5f);
  drawList->AddLine(ImVec2(centre.x, centre.y - 14), ImVec2(centre.x, centre.y - 3), CrosshairColor, 1.5f);
  drawList->AddLine(ImVec2(centre.x, centre.y + 3), ImVec2(centre.x, centre.y + 14), CrosshairColor, 1.5f);
  drawList->PopClipRect();

  drawList->AddRect(topLeft, bottomRight, BorderColor, 0.0f, 0, 2.0f);
  char label[48];
  std::snprintf(label, sizeof label, "%.1fx%s", m_canvasZoom * factor, enhance ? " enhanced" : "");
  drawList->AddText(ImVec2(topLeft.x + 4, bottomRight.y - 18), BorderColor, label);
}

}  // namespace spinemark::app
