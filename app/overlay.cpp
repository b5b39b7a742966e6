// Canvas::drawOverlay: landmark handles, vertebra outlines and labels, and the "what comes next"
// heads-up line. Drawn with ImGui's background draw list, above the image and below the panels.
#include "app/canvas.h"

#include "core/levels.h"

#include <imgui.h>

#include <array>
#include <string>

namespace spinemark::app {
namespace {

using core::Point;
using core::Slot;

constexpr ImU32 SuperiorColor = IM_COL32(0, 220, 255, 255);
constexpr ImU32 InferiorColor = IM_COL32(255, 150, 0, 255);
constexpr ImU32 OutlineColor = IM_COL32(120, 255, 120, 200);
constexpr ImU32 CurrentColor = IM_COL32(255, 255, 0, 255);
constexpr ImU32 LabelColor = IM_COL32(255, 255, 255, 255);
constexpr ImU32 ShadowColor = IM_COL32(0, 0, 0, 200);
constexpr ImU32 GhostColor = IM_COL32(200, 120, 255, 230);
constexpr float HandleRadius = 4.0f;

// The outline visits the corners and midpoints around the body.
constexpr std::array OutlineOrder{Slot::SuperiorFirst, Slot::SuperiorMiddle, Slot::SuperiorSecond,
                                  Slot::InferiorSecond, Slot::InferiorMiddle, Slot::InferiorFirst};

ImVec2 toImVec(Point p) { return ImVec2(static_cast<float>(p.x), static_cast<float>(p.y)); }

bool isSuperior(Slot slot) { return static_cast<int>(slot) < 3; }

void drawTextWithShadow(ImDrawList* drawList, ImVec2 position, ImU32 color, const std::string& text)
{
  drawList->AddText(ImVec2(position.x + 1, position.y + 1), ShadowColor, text.c_str());
  drawList->AddText(position, color, text.c_str());
}

void drawVertebra(ImDrawList* drawList, const core::ViewTransform& view, core::Level level,
                  const core::Vertebra& vertebra, bool isCurrentLevel)
{
  for (std::size_t i = 0; i < OutlineOrder.size(); ++i) {
    const auto& from = vertebra.points[static_cast<std::size_t>(OutlineOrder[i])];
    const auto& to = vertebra.points[static_cast<std::size_t>(OutlineOrder[(i + 1) % OutlineOrder.size()])];
    if (from && to) {
      drawList->AddLine(toImVec(view.imageToScreen(*from)), toImVec(view.imageToScreen(*to)), OutlineColor,
                        isCurrentLevel ? 2.0f : 1.0f);
    }
  }

  Point leftmost{1e30, 0.0};
  for (int slot = 0; slot < core::SlotCount; ++slot) {
    const auto& point = vertebra.points[static_cast<std::size_t>(slot)];
    if (!point) {
      continue;
    }
    const Point screen = view.imageToScreen(*point);
    const ImU32 color = isSuperior(static_cast<Slot>(slot)) ? SuperiorColor : InferiorColor;
    drawList->AddCircleFilled(toImVec(screen), HandleRadius, color);
    drawList->AddCircle(toImVec(screen), HandleRadius + 1.0f, ShadowColor);
    if (screen.x < leftmost.x) {
      leftmost = screen;
    }
  }
  if (leftmost.x < 1e29) {
    const std::string label(core::levelName(level));
    drawTextWithShadow(drawList, ImVec2(static_cast<float>(leftmost.x) - 34.0f, static_cast<float>(leftmost.y)),
                       isCurrentLevel ? CurrentColor : LabelColor, label);
  }
}

// The ghost points as circles, and the outline of the whole predicted vertebra through the ghosts
// and the placed points.
void drawGhosts(ImDrawList* drawList, const core::ViewTransform& view, const Canvas::Ghosts& ghosts,
                const Canvas::Ghosts& outline)
{
  for (std::size_t i = 0; i < OutlineOrder.size(); ++i) {
    const auto& from = outline[static_cast<std::size_t>(OutlineOrder[i])];
    const auto& to = outline[static_cast<std::size_t>(OutlineOrder[(i + 1) % OutlineOrder.size()])];
    if (from && to) {
      drawList->AddLine(toImVec(view.imageToScreen(*from)), toImVec(view.imageToScreen(*to)), GhostColor, 1.0f);
    }
  }
  for (const auto& ghost : ghosts) {
    if (ghost) {
      drawList->AddCircle(toImVec(view.imageToScreen(*ghost)), HandleRadius + 1.0f, GhostColor, 12, 1.5f);
    }
  }
}

std::string nextStepText(const core::AnnotationSession& session, bool hasGhosts)
{
  const auto current = session.current();
  const auto& orientation = session.annotation().orientation;
  std::string text = "Next: " + std::string(core::levelName(current.level)) + "  " +
                     core::landmarkName(current.slot, orientation) + "  (landmark " +
                     std::to_string(static_cast<int>(current.slot) + 1) + " of 6)";
  if (hasGhosts) {
    text += session.annotation().vertebrae.count(current.level) &&
                    session.annotation().vertebrae.at(current.level).placedCount() > 0
                ? "  - Enter accepts the remaining predicted points, X hides them"
                : "  - Enter accepts the prediction, drag corrects a point, X places by hand";
  } else if (session.pointAt(current)) {
    text += "  - placed; Space or click moves it";
  } else {
    text += "  - Space or click to place";
  }
  return text;
}

}  // namespace

void Canvas::drawOverlay(ImDrawList* drawList, const core::Workbench& workbench) const
{
  if (!workbench.hasImage()) {
    return;
  }
  const auto& session = workbench.session();
  const auto current = session.current();
  drawList->PushClipRect(ImVec2(static_cast<float>(m_rect.x), static_cast<float>(m_rect.y)),
                         ImVec2(static_cast<float>(m_rect.x + m_rect.width), static_cast<float>(m_rect.y + m_rect.height)),
                         true);
  for (const auto& [level, vertebra] : session.annotation().vertebrae) {
    drawVertebra(drawList, m_view, level, vertebra, level == current.level);
  }
  if (const auto point = session.pointAt(current)) {
    drawList->AddCircle(toImVec(m_view.imageToScreen(*point)), HandleRadius + 4.0f, CurrentColor, 0, 2.0f);
  }
  if (m_ghosts) {
    drawGhosts(drawList, m_view, *m_ghosts, withGhostsAccepted(session, m_ghostLevel, *m_ghosts));
  }

  const ImVec2 hudPosition(static_cast<float>(m_rect.x) + 12.0f, static_cast<float>(m_rect.y) + 10.0f);
  const std::string hud = nextStepText(session, m_ghosts.has_value());
  const ImVec2 size = ImGui::CalcTextSize(hud.c_str());
  drawList->AddRectFilled(ImVec2(hudPosition.x - 6, hudPosition.y - 4),
                          ImVec2(hudPosition.x + size.x + 6, hudPosition.y + size.y + 4), IM_COL32(0, 0, 0, 170), 4.0f);
  drawList->AddText(hudPosition, CurrentColor, hud.c_str());
  drawList->PopClipRect();
}

}  // namespace spinemark::app
