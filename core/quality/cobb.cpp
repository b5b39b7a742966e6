#include "core/quality/cobb.h"

#include "core/quality/geometry.h"

#include <cmath>
#include <numbers>
#include <vector>

namespace spinemark::core::quality {

namespace {

struct Endplate {
  EndplateRef ref;
  // Direction from the image-left corner to the image-right one, in (-180, 180]. Keeping the
  // direction (rather than the undirected line) lets curves beyond 90 degrees measure correctly.
  double directionDegrees = 0.0;
};

std::optional<Endplate> endplateOf(Level level, const Vertebra& vertebra, bool superior, const PixelSpacing& spacing)
{
  const auto first = vertebra.points[static_cast<std::size_t>(superior ? Slot::SuperiorFirst : Slot::InferiorFirst)];
  const auto second = vertebra.points[static_cast<std::size_t>(superior ? Slot::SuperiorSecond : Slot::InferiorSecond)];
  if (!first || !second || *first == *second) {
    return std::nullopt;
  }
  const Point direction = toPhysical(*second - *first, spacing);
  return Endplate{{level, superior}, std::atan2(direction.y, direction.x) * 180.0 / std::numbers::pi};
}

// Angle between two directions in degrees, 0..180.
double angleBetween(double aDegrees, double bDegrees)
{
  const double difference = std::abs(aDegrees - bDegrees);
  return difference > 180.0 ? 360.0 - difference : difference;
}

}  // namespace

std::optional<CobbAngle> measureCobbAngle(const ImageAnnotation& annotation)
{
  if (annotation.orientation.view == View::Lateral) {
    return std::nullopt;
  }
  std::vector<Endplate> endplates;  // caudal to cranial; inferior before superior in each vertebra
  for (const auto& [level, vertebra] : annotation.vertebrae) {
    for (bool superior : {false, true}) {
      if (const auto endplate = endplateOf(level, vertebra, superior, annotation.image.spacing)) {
        endplates.push_back(*endplate);
      }
    }
  }

  std::optional<CobbAngle> largest;
  for (std::size_t i = 0; i < endplates.size(); ++i) {
    for (std::size_t j = i + 1; j < endplates.size(); ++j) {
      if (endplates[i].ref.level == endplates[j].ref.level) {
        continue;
      }
      const double degrees = angleBetween(endplates[i].directionDegrees, endplates[j].directionDegrees);
      if (!largest || degrees > largest->degrees) {
        largest = CobbAngle{degrees, endplates[j].ref, endplates[i].ref};
      }
    }
  }
  return largest;
}

}  // namespace spinemark::core::quality
