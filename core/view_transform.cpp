#include "core/view_transform.h"

#include <algorithm>

namespace spinemark::core {

void ViewTransform::zoomAt(Point screenAnchor, double factor)
{
  const Point anchorInImage = screenToImage(screenAnchor);
  zoom = std::clamp(zoom * factor, MinZoom, MaxZoom);
  offsetX = screenAnchor.x - anchorInImage.x * zoom;
  offsetY = screenAnchor.y - anchorInImage.y * zoom;
}

void ViewTransform::fit(int imageWidth, int imageHeight, double viewportX, double viewportY, double viewportWidth,
                        double viewportHeight)
{
  if (imageWidth <= 0 || imageHeight <= 0 || viewportWidth <= 0 || viewportHeight <= 0) {
    return;
  }
  zoom = std::clamp(std::min(viewportWidth / imageWidth, viewportHeight / imageHeight), MinZoom, MaxZoom);
  offsetX = viewportX + (viewportWidth - imageWidth * zoom) / 2.0;
  offsetY = viewportY + (viewportHeight - imageHeight * zoom) / 2.0;
}

void ViewTransform::oneToOne(Point screenAnchor)
{
  zoomAt(screenAnchor, 1.0 / zoom);
}

}  // namespace spinemark::core
