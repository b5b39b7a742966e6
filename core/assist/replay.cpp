#include "core/assist/replay.h"

#include "core/annotation_session.h"

#include <stdexcept>

namespace spinemark::core::assist {

namespace {

std::optional<VertebraPoints> completePoints(const ImageAnnotation& annotation, Level level)
{
  const auto found = annotation.vertebrae.find(level);
  if (found == annotation.vertebrae.end() || !found->second.complete()) {
    return std::nullopt;
  }
  VertebraPoints points;
  for (std::size_t slot = 0; slot < points.size(); ++slot) {
    points[slot] = *found->second.points[slot];
  }
  return points;
}

// The lowest level of the standard sequence that the truth has complete.
std::optional<Level> lowestTruthLevel(const ImageAnnotation& truth)
{
  for (std::optional<Level> level = Level::L5; level; level = levelAbove(*level)) {
    if (completePoints(truth, *level)) {
      return level;
    }
  }
  return std::nullopt;
}

void placeByHand(AnnotationSession& session, Level level, const VertebraPoints& truth, ReplayCounts& counts)
{
  for (int slot = 0; slot < SlotCount; ++slot) {
    const LandmarkRef ref{level, static_cast<Slot>(slot)};
    if (session.current() != ref) {
      throw std::logic_error("replay: the session's cursor is not on " + std::string(levelName(level)) +
                             " slot " + std::to_string(slot) + " during hand placement");
    }
    session.placeCurrent(truth[static_cast<std::size_t>(slot)]);
    ++counts.handPlacements;
  }
}

void useOrRejectPrediction(AnnotationSession& session, Level level, const VertebraPoints& truth,
                           const VertebraPoints& predicted, const ReplayOptions& options, ReplayCounts& counts)
{
  const double tolerance = options.acceptTolerancePct / 100.0 * superiorEndplateWidth(truth);
  std::vector<int> wrong;
  for (int slot = 0; slot < SlotCount; ++slot) {
    const auto index = static_cast<std::size_t>(slot);
    if (distance(predicted[index], truth[index]) > tolerance) {
      wrong.push_back(slot);
    }
  }
  std::array<std::optional<Point>, SlotCount> ghost;
  for (std::size_t slot = 0; slot < ghost.size(); ++slot) {
    ghost[slot] = predicted[slot];
  }
  if (wrong.empty()) {
    session.setVertebraPoints(level, ghost);
    ++counts.accepts;
    return;
  }

  const KlmConstants& klm = options.klm;
  const auto corrections = static_cast<double>(wrong.size());
  const double correctSeconds = corrections * (2 * klm.pointingSeconds + klm.keystrokeSeconds) + klm.keystrokeSeconds;
  const double rejectSeconds = klm.keystrokeSeconds + SlotCount * (klm.pointingSeconds + klm.keystrokeSeconds);
  if (correctSeconds <= rejectSeconds) {
    // The first drag accepts all ghost points; each drag then moves one point to the truth.
    session.setVertebraPoints(level, ghost);
    for (int slot : wrong) {
      session.beginDrag({level, static_cast<Slot>(slot)});
      session.dragTo(truth[static_cast<std::size_t>(slot)]);
      session.endDrag();
      ++counts.drags;
    }
    if (levelAbove(level)) {
      session.nextVertebra();
      ++counts.cursorMoves;
    }
    return;
  }
  ++counts.rejects;
  placeByHand(session, level, truth, counts);
}

}  // namespace

ReplayCounts& ReplayCounts::operator+=(const ReplayCounts& other)
{
  vertebrae += other.vertebrae;
  handPlacements += other.handPlacements;
  drags += other.drags;
  accepts += other.accepts;
  rejects += other.rejects;
  cursorMoves += other.cursorMoves;
  return *this;
}

double klmSeconds(const ReplayCounts& counts, const KlmConstants& klm)
{
  return counts.vertebrae * klm.mentalSeconds +
         (counts.handPlacements + 2 * counts.drags) * klm.pointingSeconds +
         (counts.keystrokes() + counts.drags) * klm.keystrokeSeconds;
}

ImageReplay replayImage(const ImageAnnotation& truth, const LandmarkPredictor* predictor, const ReplayOptions& options)
{
  ImageReplay replay;
  replay.image = truth.image.relativePath;
  const auto start = lowestTruthLevel(truth);
  if (!start) {
    replay.result.image = truth.image;
    return replay;
  }
  ImageAnnotation empty;
  empty.image = truth.image;
  empty.orientation = truth.orientation;
  AnnotationSession session(empty, *start);

  std::optional<Level> level = start;
  while (level) {
    const auto truthPoints = completePoints(truth, *level);
    if (!truthPoints) {
      break;
    }
    ++replay.counts.vertebrae;
    std::optional<VertebraPoints> predicted;
    if (options.usePredictions && predictor) {
      predicted = predictor->predictNext(session.annotation(), *level);
    }
    if (predicted) {
      useOrRejectPrediction(session, *level, *truthPoints, *predicted, options, replay.counts);
    } else {
      placeByHand(session, *level, *truthPoints, replay.counts);
    }
    level = levelAbove(*level);
    if (level && session.current().level != *level) {
      throw std::logic_error("replay: the session did not move up to " + std::string(levelName(*level)));
    }
  }
  replay.seconds = klmSeconds(replay.counts, options.klm);
  replay.result = session.annotation();
  return replay;
}

ReplaySummary replayImages(const std::vector<ImageAnnotation>& truths, LandmarkPredictor& predictor,
                           const ReplayOptions& options)
{
  ReplaySummary summary;
  for (const ImageAnnotation& truth : truths) {
    summary.images.push_back(replayImage(truth, &predictor, options));
    if (options.learnAsCompleted) {
      predictor.addCompletedImage(summary.images.back().result);
    }
  }
  if (summary.images.empty()) {
    return summary;
  }
  for (const ImageReplay& image : summary.images) {
    summary.meanSeconds += image.seconds;
    summary.meanPointerActions += image.counts.pointerActions();
    summary.meanKeystrokes += image.counts.keystrokes();
  }
  const auto count = static_cast<double>(summary.images.size());
  summary.meanSeconds /= count;
  summary.meanPointerActions /= count;
  summary.meanKeystrokes /= count;
  return summary;
}

}  // namespace spinemark::core::assist
