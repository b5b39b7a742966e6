// Plane geometry on image points for the quality checks, morphometry and Cobb angle.
#pragma once

#include "core/annotation.h"

#include <cmath>
#include <vector>

namespace spinemark::core::quality {

inline Point operator-(Point a, Point b) { return {a.x - b.x, a.y - b.y}; }
inline Point operator+(Point a, Point b) { return {a.x + b.x, a.y + b.y}; }
inline Point operator*(Point a, double factor) { return {a.x * factor, a.y * factor}; }

inline double cross(Point a, Point b) { return a.x * b.y - a.y * b.x; }
inline double dot(Point a, Point b) { return a.x * b.x + a.y * b.y; }
inline double length(Point a) { return std::hypot(a.x, a.y); }
inline Point midpoint(Point a, Point b) { return {(a.x + b.x) / 2.0, (a.y + b.y) / 2.0}; }

// Scales a pixel offset to millimetres when the spacing is known and leaves it in pixels
// otherwise, so lengths and angles stay true on images with non-square pixels.
inline Point toPhysical(Point offset, const PixelSpacing& spacing)
{
  return spacing.known() ? Point{offset.x * spacing.columnMm, offset.y * spacing.rowMm} : offset;
}
inline double physicalDistance(Point a, Point b, const PixelSpacing& spacing)
{
  return length(toPhysical(b - a, spacing));
}

// True when the closed segments ab and cd cross or touch.
bool segmentsIntersect(Point a, Point b, Point c, Point d);

// Signed area of a simple polygon (positive when the vertices run clockwise on screen, where y
// points down).
double signedArea(const std::vector<Point>& polygon);

// True when two edges that do not share a vertex intersect.
bool selfIntersects(const std::vector<Point>& polygon);

// Area of the intersection of two convex polygons (Sutherland-Hodgman clipping). Both polygons
// must be convex and simple; their vertex order may run either way.
double convexIntersectionArea(std::vector<Point> subject, std::vector<Point> clip);

}  // namespace spinemark::core::quality
