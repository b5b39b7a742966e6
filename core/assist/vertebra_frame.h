// Geometry shared by the landmark predictor, its evaluation and the simulated annotator: the six
// points of one vertebra, a similarity frame attached to a vertebra, and the naive extrapolation
// that serves as baseline and as fallback while too little training data exists.
#pragma once

#include "core/annotation.h"

#include <array>
#include <optional>
#include <vector>

namespace spinemark::core::assist {

// One complete vertebra, indexed by Slot (image-side order, see core/levels.h).
using VertebraPoints = std::array<Point, SlotCount>;

// Most vertebrae below a target that the predictor looks at.
inline constexpr int MaxPlacedContext = 3;

Point pointOf(const VertebraPoints& vertebra, Slot slot);
// Mean of the four corners, in image pixels.
Point vertebraCentre(const VertebraPoints& vertebra);
// Distance between the two superior corners, in image pixels: the unit of every error figure.
double superiorEndplateWidth(const VertebraPoints& vertebra);
double distance(const Point& a, const Point& b);

// A similarity frame on a vertebra: origin at its centre, x axis along the mean direction of its
// two endplates (image-left to image-right corner), one unit = its superior endplate width.
// Rotation, translation and scale drop out of coordinates expressed in it.
class VertebraFrame {
 public:
  // Returns nullopt for a degenerate vertebra (endplate width below 1e-6 pixels).
  static std::optional<VertebraFrame> on(const VertebraPoints& vertebra);

  Point toFrame(const Point& imagePos) const;
  Point toImage(const Point& framePos) const;

 private:
  Point m_origin;
  double m_cos = 1.0;  // x axis direction scaled by 1 / width
  double m_sin = 0.0;
  double m_scale = 1.0;  // image pixels per frame unit
};

// The complete vertebrae directly below target, nearest first, walking down with levelBelow and
// stopping at the first level that is missing or incomplete; at most maxCount of them.
// NOTE: levelBelow skips the variants L6 and T13, so an annotated T13 does not count below T12.
std::vector<VertebraPoints> placedBelow(const ImageAnnotation& annotation, Level target,
                                        int maxCount = MaxPlacedContext);

// Height of the disc space as a fraction of the vertebral body height, used only when a single
// vertebra is known. An estimate: lumbar discs are about a third of the body height and thoracic
// discs less, so 0.25 sits between them.
inline constexpr double DiscToBodyHeightEstimate = 0.25;

// The naive prediction: the nearest placed vertebra translated by the last step between the
// centres of the two nearest. With one vertebra the step is its own height (inferior to superior
// midpoint) times 1 + DiscToBodyHeightEstimate. below is nearest first and must not be empty.
VertebraPoints extrapolateNext(const std::vector<VertebraPoints>& below);

}  // namespace spinemark::core::assist
