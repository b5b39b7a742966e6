#include "core/assist/partial_fit.h"

#include <Eigen/Dense>
#include <cmath>
#include <vector>

namespace spinemark::core::assist {

namespace {

// Placed points spread over less than this fraction of the predicted superior endplate width fix
// only a translation: rotation and scale from so short a baseline would swing the far corners.
constexpr double MinimumBaselineFraction = 0.3;

struct Similarity {
  double a = 1.0;  // scale times cos(rotation)
  double b = 0.0;  // scale times sin(rotation)
  Point shift;

  Point apply(const Point& p) const { return {a * p.x - b * p.y + shift.x, b * p.x + a * p.y + shift.y}; }
};

Point mean(const std::vector<Point>& points)
{
  Point sum;
  for (const Point& p : points) {
    sum.x += p.x;
    sum.y += p.y;
  }
  return {sum.x / static_cast<double>(points.size()), sum.y / static_cast<double>(points.size())};
}

double spread(const std::vector<Point>& points, const Point& centre)
{
  double largest = 0.0;
  for (const Point& p : points) {
    largest = std::max(largest, distance(p, centre));
  }
  return 2.0 * largest;
}

// Least-squares similarity from the source points to the target points (Umeyama without
// reflection), or a translation when the source points are too close together.
Similarity fitSimilarity(const std::vector<Point>& from, const std::vector<Point>& to, double minimumSpread)
{
  const Point fromCentre = mean(from);
  const Point toCentre = mean(to);
  Similarity fit;
  if (from.size() >= 2 && spread(from, fromCentre) >= minimumSpread) {
    double dot = 0.0;
    double cross = 0.0;
    double norm = 0.0;
    for (std::size_t i = 0; i < from.size(); ++i) {
      const double fx = from[i].x - fromCentre.x;
      const double fy = from[i].y - fromCentre.y;
      const double tx = to[i].x - toCentre.x;
      const double ty = to[i].y - toCentre.y;
      dot += fx * tx + fy * ty;
      cross += fx * ty - fy * tx;
      norm += fx * fx + fy * fy;
    }
    if (norm > 0.0) {
      fit.a = dot / norm;
      fit.b = cross / norm;
    }
  }
  const Point moved = fit.apply(fromCentre);
  fit.shift = {toCentre.x - moved.x, toCentre.y - moved.y};
  return fit;
}

// The predicted middle expressed along and across the chord of its predicted corners, then
// placed on the chord of the placed corners.
Point middleOnChord(const Point& first, const Point& second, const Point& middle, const Point& placedFirst,
                    const Point& placedSecond)
{
  const double cx = second.x - first.x;
  const double cy = second.y - first.y;
  const double length2 = cx * cx + cy * cy;
  if (length2 <= 0.0) {
    return {(placedFirst.x + placedSecond.x) / 2.0, (placedFirst.y + placedSecond.y) / 2.0};
  }
  const double along = ((middle.x - first.x) * cx + (middle.y - first.y) * cy) / length2;
  const double across = ((middle.y - first.y) * cx - (middle.x - first.x) * cy) / length2;
  const double px = placedSecond.x - placedFirst.x;
  const double py = placedSecond.y - placedFirst.y;
  return {placedFirst.x + along * px - across * py, placedFirst.y + along * py + across * px};
}

void fitMiddle(const VertebraPoints& predicted, const PartialPoints& placed, Slot first, Slot middle,
               Slot second, VertebraPoints& fitted)
{
  const auto index = [](Slot slot) { return static_cast<std::size_t>(slot); };
  if (placed[index(middle)] || !placed[index(first)] || !placed[index(second)]) {
    return;
  }
  fitted[index(middle)] =
      middleOnChord(predicted[index(first)], predicted[index(second)], predicted[index(middle)],
                    *placed[index(first)], *placed[index(second)]);
}

// Coordinate index of a slot's x (axis 0) or y (axis 1) in a Residual.
int coordinate(int slot, int axis) { return 2 * slot + axis; }

// The conditional mean of the unknown slots' errors given the known ones, added to the prediction:
// mean = C_uk C_kk^-1 e_k, with a small ridge on C_kk because the covariance is singular when
// midpoints sit exactly between their corners.
VertebraPoints conditioned(const GhostModel& model, const PartialPoints& placed,
                           const std::vector<int>& known, const std::vector<int>& unknown)
{
  const auto knownCount = static_cast<Eigen::Index>(2 * known.size());
  const auto unknownCount = static_cast<Eigen::Index>(2 * unknown.size());
  Eigen::MatrixXd knownKnown(knownCount, knownCount);
  Eigen::MatrixXd unknownKnown(unknownCount, knownCount);
  Eigen::VectorXd knownError(knownCount);
  const Eigen::Map<const Eigen::Matrix<double, CoordinateCount, CoordinateCount, Eigen::RowMajor>> errors(
      model.errors->data());
  for (Eigen::Index i = 0; i < knownCount; ++i) {
    const int row = coordinate(known[static_cast<std::size_t>(i / 2)], static_cast<int>(i % 2));
    for (Eigen::Index j = 0; j < knownCount; ++j) {
      knownKnown(i, j) =
          errors(row, coordinate(known[static_cast<std::size_t>(j / 2)], static_cast<int>(j % 2)));
    }
    for (Eigen::Index j = 0; j < unknownCount; ++j) {
      unknownKnown(j, i) =
          errors(coordinate(unknown[static_cast<std::size_t>(j / 2)], static_cast<int>(j % 2)), row);
    }
  }
  for (std::size_t i = 0; i < known.size(); ++i) {
    const auto slot = static_cast<std::size_t>(known[i]);
    const Point truth = model.frame->toFrame(*placed[slot]);
    const Point guess = model.frame->toFrame(model.predicted[slot]);
    knownError(static_cast<Eigen::Index>(2 * i)) = truth.x - guess.x;
    knownError(static_cast<Eigen::Index>(2 * i + 1)) = truth.y - guess.y;
  }
  const double ridge = 1e-6 * (errors.trace() / CoordinateCount + 1e-12);
  knownKnown += ridge * Eigen::MatrixXd::Identity(knownCount, knownCount);
  const Eigen::VectorXd shift = unknownKnown * knownKnown.ldlt().solve(knownError);

  VertebraPoints fitted = model.predicted;
  for (std::size_t i = 0; i < unknown.size(); ++i) {
    const auto slot = static_cast<std::size_t>(unknown[i]);
    const Point guess = model.frame->toFrame(model.predicted[slot]);
    fitted[slot] = model.frame->toImage({guess.x + shift(static_cast<Eigen::Index>(2 * i)),
                                         guess.y + shift(static_cast<Eigen::Index>(2 * i + 1))});
  }
  for (int slot : known) {
    fitted[static_cast<std::size_t>(slot)] = *placed[static_cast<std::size_t>(slot)];
  }
  return fitted;
}

}  // namespace

VertebraPoints fitToPlaced(const VertebraPoints& predicted, const PartialPoints& placed)
{
  std::vector<Point> from;
  std::vector<Point> to;
  for (std::size_t slot = 0; slot < placed.size(); ++slot) {
    if (placed[slot]) {
      from.push_back(predicted[slot]);
      to.push_back(*placed[slot]);
    }
  }
  if (from.empty()) {
    return predicted;
  }
  const Similarity fit = fitSimilarity(from, to, MinimumBaselineFraction * superiorEndplateWidth(predicted));
  VertebraPoints fitted;
  for (std::size_t slot = 0; slot < fitted.size(); ++slot) {
    fitted[slot] = placed[slot] ? *placed[slot] : fit.apply(predicted[slot]);
  }
  fitMiddle(predicted, placed, Slot::SuperiorFirst, Slot::SuperiorMiddle, Slot::SuperiorSecond, fitted);
  fitMiddle(predicted, placed, Slot::InferiorFirst, Slot::InferiorMiddle, Slot::InferiorSecond, fitted);
  return fitted;
}

VertebraPoints fitGhosts(const GhostModel& model, const PartialPoints& placed)
{
  if (!model.frame || !model.errors) {
    return fitToPlaced(model.predicted, placed);
  }
  std::vector<int> known;
  std::vector<int> unknown;
  for (int slot = 0; slot < SlotCount; ++slot) {
    (placed[static_cast<std::size_t>(slot)] ? known : unknown).push_back(slot);
  }
  if (known.empty()) {
    return model.predicted;
  }
  return conditioned(model, placed, known, unknown);
}

PartialPoints placedPoints(const ImageAnnotation& annotation, Level level)
{
  PartialPoints placed;
  if (const auto found = annotation.vertebrae.find(level); found != annotation.vertebrae.end()) {
    placed = found->second.points;
  }
  return placed;
}

PartialPoints completeWithGhosts(const GhostModel& model, const PartialPoints& placed)
{
  const VertebraPoints fitted = fitGhosts(model, placed);
  PartialPoints complete;
  for (std::size_t slot = 0; slot < complete.size(); ++slot) {
    complete[slot] = placed[slot] ? placed[slot] : std::optional<Point>(fitted[slot]);
  }
  return complete;
}

}  // namespace spinemark::core::assist
