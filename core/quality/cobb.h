// Cobb angle on AP and PA views: the largest angle between any two vertebral endplates, with
// the two end vertebrae that carry them. Each endplate is the line through its two corners;
// the midpoints do not change the line's direction.
#pragma once

#include "core/annotation.h"

#include <optional>

namespace spinemark::core::quality {

struct EndplateRef {
  Level level = Level::L5;
  bool superior = true;  // the superior (cranial) endplate, else the inferior one
  bool operator==(const EndplateRef&) const = default;
};

struct CobbAngle {
  double degrees = 0.0;  // 0..180, on physical axes when the pixel spacing is known
  EndplateRef upper;     // endplate of the upper (cranial) end vertebra
  EndplateRef lower;     // endplate of the lower (caudal) end vertebra
};

// Returns the largest angle between two endplates of different vertebrae, or nullopt on a
// lateral view (where the Cobb angle of scoliosis is not defined) and when fewer than two
// vertebrae have both corners of an endplate. Ties keep the pair found first, scanning from
// caudal to cranial.
std::optional<CobbAngle> measureCobbAngle(const ImageAnnotation& annotation);

}  // namespace spinemark::core::quality
