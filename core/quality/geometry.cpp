#include "core/quality/geometry.h"

#include <algorithm>
#include <cstddef>

namespace spinemark::core::quality {

namespace {

// Sign of the turn a -> b -> c: positive, negative or zero.
int orientationSign(Point a, Point b, Point c)
{
  const double value = cross(b - a, c - a);
  return (value > 0.0) - (value < 0.0);
}

bool onSegment(Point a, Point b, Point p)
{
  return std::min(a.x, b.x) <= p.x && p.x <= std::max(a.x, b.x) && std::min(a.y, b.y) <= p.y &&
         p.y <= std::max(a.y, b.y);
}

// Makes the vertices run with positive signed area so "inside" is one side for clipping.
void orientPositive(std::vector<Point>& polygon)
{
  if (signedArea(polygon) < 0.0) {
    std::reverse(polygon.begin(), polygon.end());
  }
}

}  // namespace

bool segmentsIntersect(Point a, Point b, Point c, Point d)
{
  const int o1 = orientationSign(a, b, c);
  const int o2 = orientationSign(a, b, d);
  const int o3 = orientationSign(c, d, a);
  const int o4 = orientationSign(c, d, b);
  if (o1 != o2 && o3 != o4) {
    return true;
  }
  return (o1 == 0 && onSegment(a, b, c)) || (o2 == 0 && onSegment(a, b, d)) ||
         (o3 == 0 && onSegment(c, d, a)) || (o4 == 0 && onSegment(c, d, b));
}

double signedArea(const std::vector<Point>& polygon)
{
  double twiceArea = 0.0;
  for (std::size_t i = 0; i < polygon.size(); ++i) {
    twiceArea += cross(polygon[i], polygon[(i + 1) % polygon.size()]);
  }
  return twiceArea / 2.0;
}

bool selfIntersects(const std::vector<Point>& polygon)
{
  const std::size_t count = polygon.size();
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t j = i + 2; j < count; ++j) {
      if (i == 0 && j == count - 1) {
        continue;  // the first and last edges share vertex 0
      }
      if (segmentsIntersect(polygon[i], polygon[i + 1], polygon[j], polygon[(j + 1) % count])) {
        return true;
      }
    }
  }
  return false;
}

double convexIntersectionArea(std::vector<Point> subject, std::vector<Point> clip)
{
  orientPositive(subject);
  orientPositive(clip);
  std::vector<Point> output = subject;
  for (std::size_t i = 0; i < clip.size() && !output.empty(); ++i) {
    const Point edgeStart = clip[i];
    const Point edgeEnd = clip[(i + 1) % clip.size()];
    const auto inside = [&](Point p) { return cross(edgeEnd - edgeStart, p - edgeStart) >= 0.0; };
    const std::vector<Point> input = std::move(output);
    output.clear();
    for (std::size_t k = 0; k < input.size(); ++k) {
      const Point current = input[k];
      const Point previous = input[(k + input.size() - 1) % input.size()];
      const bool currentInside = inside(current);
      const bool previousInside = inside(previous);
      if (currentInside != previousInside) {
        // Intersection of the edge previous -> current with the clip line.
        const Point direction = current - previous;
        const double denominator = cross(edgeEnd - edgeStart, direction);
        const double t = cross(edgeEnd - edgeStart, edgeStart - previous) / denominator;
        output.push_back(previous + direction * t);
      }
      if (currentInside) {
        output.push_back(current);
      }
    }
  }
  return output.size() < 3 ? 0.0 : std::abs(signedArea(output));
}

}  // namespace spinemark::core::quality
