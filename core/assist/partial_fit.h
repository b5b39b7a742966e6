// Fitting a predicted vertebra to the landmarks the annotator has already placed on it, so that
// the ghost points of the remaining landmarks follow each hand placement.
#pragma once

#include "core/assist/error_covariance.h"
#include "core/assist/vertebra_frame.h"

#include <array>
#include <optional>

namespace spinemark::core::assist {

using PartialPoints = std::array<std::optional<Point>, SlotCount>;

// Returns predicted moved onto the placed points. Placed slots take their placed position, and the
// others follow a least-squares similarity transform. While one point is placed, or the placed
// points lie too close together to tell rotation and scale, the transform is a translation. An
// endplate middle whose two corners are placed keeps its predicted position relative to them.
VertebraPoints fitToPlaced(const VertebraPoints& predicted, const PartialPoints& placed);

// A prediction with what is known about its errors: frame is the frame of the vertebra below the
// target, errors the covariance of the prediction's errors in that frame (error_covariance.h).
struct GhostModel {
  VertebraPoints predicted;
  std::optional<VertebraFrame> frame;
  std::optional<Covariance> errors;
};

// Returns the ghost points given the placed points: placed slots at their placed position, the
// others at their most probable position given the placed ones (Gaussian conditioning on the
// error covariance), or from fitToPlaced while the covariance is not known.
VertebraPoints fitGhosts(const GhostModel& model, const PartialPoints& placed);

// The points of level on the annotation, by slot (nullopt where none is placed).
PartialPoints placedPoints(const ImageAnnotation& annotation, Level level);

// All six points after accepting the ghost points: placed slots unchanged, the rest from
// fitGhosts.
PartialPoints completeWithGhosts(const GhostModel& model, const PartialPoints& placed);

}  // namespace spinemark::core::assist
