// Synthetic spines for the landmark predictor tests: vertebrae as rectangles along a circular
// arc, with known sizes per level, so the next vertebra follows from the previous ones.
#pragma once

#include "core/annotation.h"

#include <cmath>
#include <string>

namespace spinemark::testing {

struct SpineParameters {
  double originX = 500.0;  // centre of L5, image pixels
  double originY = 1800.0;
  double scale = 60.0;      // L5 width in pixels
  double rotation = 0.0;    // radians; 0 means the spine runs straight up the image
  double curvature = 0.0;   // radians of turn per L5 width of arc length
};

// Width of the vertebra `index` levels above L5, in L5 widths: vertebrae narrow by 2 % a level.
inline double syntheticWidth(int index)
{
  return 1.0 - 0.02 * index;
}

// A complete AP annotation of 17 vertebrae, L5 to T1. Body height is 0.7 of the width and the
// disc a quarter of the body height.
inline core::ImageAnnotation syntheticSpine(const SpineParameters& p, const std::string& name)
{
  core::ImageAnnotation annotation;
  annotation.image.relativePath = name;
  annotation.image.width = 1000;
  annotation.image.height = 2000;
  double arc = 0.0;  // arc length to the current vertebra's centre, in pixels
  std::optional<core::Level> level = core::Level::L5;
  for (int index = 0; level; ++index, level = core::levelAbove(*level)) {
    const double width = syntheticWidth(index) * p.scale;
    const double height = 0.7 * width;
    if (index > 0) {
      const double below = syntheticWidth(index - 1) * p.scale * 0.7;
      arc += below / 2 + 0.25 * below + height / 2;
    }
    const double turn = p.curvature / p.scale;  // radians per pixel
    const double angle = p.rotation + turn * arc;
    double cx = p.originX + arc * std::sin(p.rotation);
    double cy = p.originY - arc * std::cos(p.rotation);
    if (std::abs(turn) > 1e-12) {
      cx = p.originX + (std::cos(p.rotation) - std::cos(angle)) / turn;
      cy = p.originY + (std::sin(p.rotation) - std::sin(angle)) / turn;
    }
    const double xAxisX = std::cos(angle);  // toward the image's right
    const double xAxisY = std::sin(angle);
    const double upX = std::sin(angle);  // toward the head
    const double upY = -std::cos(angle);
    const auto at = [&](double across, double up) {
      return core::Point{cx + across * width / 2 * xAxisX + up * height / 2 * upX,
                         cy + across * width / 2 * xAxisY + up * height / 2 * upY};
    };
    core::Vertebra& vertebra = annotation.vertebrae[*level];
    vertebra.points = {at(-1, 1), at(0, 1), at(1, 1), at(-1, -1), at(0, -1), at(1, -1)};
  }
  return annotation;
}

}  // namespace spinemark::testing
