#include "core/assist/vertebra_frame.h"

#include <cmath>
#include <stdexcept>

namespace spinemark::core::assist {

Point pointOf(const VertebraPoints& vertebra, Slot slot)
{
  return vertebra[static_cast<std::size_t>(slot)];
}

Point vertebraCentre(const VertebraPoints& vertebra)
{
  Point sum;
  for (Slot corner : {Slot::SuperiorFirst, Slot::SuperiorSecond, Slot::InferiorFirst, Slot::InferiorSecond}) {
    sum.x += pointOf(vertebra, corner).x;
    sum.y += pointOf(vertebra, corner).y;
  }
  return {sum.x / 4.0, sum.y / 4.0};
}

double distance(const Point& a, const Point& b)
{
  return std::hypot(a.x - b.x, a.y - b.y);
}

double superiorEndplateWidth(const VertebraPoints& vertebra)
{
  return distance(pointOf(vertebra, Slot::SuperiorFirst), pointOf(vertebra, Slot::SuperiorSecond));
}

std::optional<VertebraFrame> VertebraFrame::on(const VertebraPoints& vertebra)
{
  const double width = superiorEndplateWidth(vertebra);
  const Point superior{pointOf(vertebra, Slot::SuperiorSecond).x - pointOf(vertebra, Slot::SuperiorFirst).x,
                       pointOf(vertebra, Slot::SuperiorSecond).y - pointOf(vertebra, Slot::SuperiorFirst).y};
  const Point inferior{pointOf(vertebra, Slot::InferiorSecond).x - pointOf(vertebra, Slot::InferiorFirst).x,
                       pointOf(vertebra, Slot::InferiorSecond).y - pointOf(vertebra, Slot::InferiorFirst).y};
  const double axisX = superior.x + inferior.x;
  const double axisY = superior.y + inferior.y;
  const double axisLength = std::hypot(axisX, axisY);
  if (width < 1e-6 || axisLength < 1e-6) {
    return std::nullopt;
  }
  VertebraFrame frame;
  frame.m_origin = vertebraCentre(vertebra);
  frame.m_cos = axisX / axisLength;
  frame.m_sin = axisY / axisLength;
  frame.m_scale = width;
  return frame;
}

Point VertebraFrame::toFrame(const Point& imagePos) const
{
  const double dx = imagePos.x - m_origin.x;
  const double dy = imagePos.y - m_origin.y;
  return {(m_cos * dx + m_sin * dy) / m_scale, (-m_sin * dx + m_cos * dy) / m_scale};
}

Point VertebraFrame::toImage(const Point& framePos) const
{
  const double x = framePos.x * m_scale;
  const double y = framePos.y * m_scale;
  return {m_origin.x + m_cos * x - m_sin * y, m_origin.y + m_sin * x + m_cos * y};
}

std::vector<VertebraPoints> placedBelow(const ImageAnnotation& annotation, Level target, int maxCount)
{
  std::vector<VertebraPoints> below;
  std::optional<Level> level = levelBelow(target);
  while (level && static_cast<int>(below.size()) < maxCount) {
    const auto found = annotation.vertebrae.find(*level);
    if (found == annotation.vertebrae.end() || !found->second.complete()) {
      break;
    }
    VertebraPoints points;
    for (std::size_t slot = 0; slot < points.size(); ++slot) {
      points[slot] = *found->second.points[slot];
    }
    below.push_back(points);
    level = levelBelow(*level);
  }
  return below;
}

VertebraPoints extrapolateNext(const std::vector<VertebraPoints>& below)
{
  if (below.empty()) {
    throw std::invalid_argument("extrapolateNext needs at least one placed vertebra");
  }
  const VertebraPoints& nearest = below.front();
  Point step;
  if (below.size() >= 2) {
    const Point to = vertebraCentre(nearest);
    const Point from = vertebraCentre(below[1]);
    step = {to.x - from.x, to.y - from.y};
  } else {
    const Point superior = pointOf(nearest, Slot::SuperiorMiddle);
    const Point inferior = pointOf(nearest, Slot::InferiorMiddle);
    const double factor = 1.0 + DiscToBodyHeightEstimate;
    step = {(superior.x - inferior.x) * factor, (superior.y - inferior.y) * factor};
  }
  VertebraPoints next;
  for (std::size_t slot = 0; slot < next.size(); ++slot) {
    next[slot] = {nearest[slot].x + step.x, nearest[slot].y + step.y};
  }
  return next;
}

}  // namespace spinemark::core::assist
