// Mapping between image pixel space and window (screen) pixels: zoom and pan only.
// Screen coordinates are logical window pixels, as GLFW reports the cursor.
#pragma once

#include "core/annotation.h"

namespace spinemark::core {

struct ViewTransform {
  double zoom = 1.0;        // screen pixels per image pixel
  double offsetX = 0.0;     // screen position of image point (0, 0)
  double offsetY = 0.0;

  Point imageToScreen(Point image) const { return {image.x * zoom + offsetX, image.y * zoom + offsetY}; }
  Point screenToImage(Point screen) const { return {(screen.x - offsetX) / zoom, (screen.y - offsetY) / zoom}; }

  // Zooms by factor keeping the image point under screenAnchor fixed.
  void zoomAt(Point screenAnchor, double factor);
  void pan(double dx, double dy) { offsetX += dx; offsetY += dy; }
  // Fits an image of the given size into the viewport rectangle, centred.
  void fit(int imageWidth, int imageHeight, double viewportX, double viewportY, double viewportWidth,
           double viewportHeight);
  // Sets zoom to 1 keeping the image point under screenAnchor fixed.
  void oneToOne(Point screenAnchor);
};

inline constexpr double MinZoom = 0.01;
inline constexpr double MaxZoom = 64.0;

}  // namespace spinemark::core
