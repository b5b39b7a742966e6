// Hand-built annotations for the quality tests: rectangular vertebral bodies with exact corners.
#pragma once

#include "core/annotation.h"

namespace spinemark::testing {

// A vertebral body whose corners are the rectangle's corners and whose midpoints are the centres
// of its top and bottom edges. Image y grows downwards, so top is the superior endplate.
inline core::Vertebra boxVertebra(double left, double top, double width, double height)
{
  core::Vertebra vertebra;
  const auto set = [&](core::Slot slot, double x, double y) {
    vertebra.points[static_cast<std::size_t>(slot)] = core::Point{x, y};
  };
  set(core::Slot::SuperiorFirst, left, top);
  set(core::Slot::SuperiorMiddle, left + width / 2, top);
  set(core::Slot::SuperiorSecond, left + width, top);
  set(core::Slot::InferiorFirst, left, top + height);
  set(core::Slot::InferiorMiddle, left + width / 2, top + height);
  set(core::Slot::InferiorSecond, left + width, top + height);
  return vertebra;
}

inline core::ImageAnnotation emptyAnnotation(int width = 1000, int height = 2000)
{
  core::ImageAnnotation annotation;
  annotation.image.relativePath = "spine.png";
  annotation.image.width = width;
  annotation.image.height = height;
  return annotation;
}

}  // namespace spinemark::testing
