#include "core/assist/replay.h"

#include "core/annotation_session.h"
#include "core/assist/hand_plan.h"
#include "core/assist/partial_fit.h"

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

void placeCurrentAtTruth(AnnotationSession& session, Level level, const VertebraPoints& truth, ReplayCounts& counts)
{
  if (session.current().level != level) {
    throw std::logic_error("replay: the session's cursor left " + std::string(levelName(level)) +
                           " during hand placement");
  }
  session.placeCurrent(truth[static_cast<std::size_t>(session.current().slot)]);
  ++counts.handPlacements;
}

void followPlan(AnnotationSession& session, Level level, const VertebraPoints& truth, const GhostModel& model,
                const HandPlan& plan, ReplayCounts& counts)
{
  for (const HandStep step : plan.steps) {
    switch (step) {
      case HandStep::Place:
        placeCurrentAtTruth(session, level, truth, counts);
        break;
      case HandStep::Skip:
        session.nextLandmark();
        ++counts.cursorMoves;
        break;
      case HandStep::Accept:
        session.setVertebraPoints(level, completeWithGhosts(model, placedPoints(session.annotation(), level)));
        ++counts.accepts;
        break;
    }
  }
}

void dragWrongPoints(AnnotationSession& session, Level level, const VertebraPoints& truth,
                     const VertebraPoints& predicted, const std::vector<int>& wrong, ReplayCounts& counts)
{
  // The first drag accepts all ghost points; each drag then moves one point to the truth.
  std::array<std::optional<Point>, SlotCount> ghost;
  for (std::size_t slot = 0; slot < ghost.size(); ++slot) {
    ghost[slot] = predicted[slot];
  }
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
}

// Chooses the quicker of two ways through a vertebra with a prediction on screen. One drags each
// wrong ghost point to the truth. The other follows the quickest hand plan (hand_plan.h), which
// accepts the ghost points at once when all six are right.
void usePrediction(AnnotationSession& session, Level level, const VertebraPoints& truth, const GhostModel& model,
                   const ReplayOptions& options, ReplayCounts& counts)
{
  const VertebraPoints& predicted = model.predicted;
  const double tolerance = options.acceptTolerancePct / 100.0 * superiorEndplateWidth(truth);
  std::vector<int> wrong;
  for (int slot = 0; slot < SlotCount; ++slot) {
    const auto index = static_cast<std::size_t>(slot);
    if (distance(predicted[index], truth[index]) > tolerance) {
      wrong.push_back(slot);
    }
  }
  const KlmConstants& klm = options.klm;
  const GhostFit fit = [&model](const PartialPoints& placed) { return fitGhosts(model, placed); };
  const HandPlan plan = planHandPlacement(fit, truth, tolerance,
                                          {klm.pointingSeconds + klm.keystrokeSeconds, klm.keystrokeSeconds});
  const double moveSeconds = levelAbove(level) ? klm.keystrokeSeconds : 0.0;
  const double dragSeconds =
      static_cast<double>(wrong.size()) * (2 * klm.pointingSeconds + klm.keystrokeSeconds) + moveSeconds;
  if (!wrong.empty() && dragSeconds < plan.seconds) {
    dragWrongPoints(session, level, truth, predicted, wrong, counts);
    return;
  }
  followPlan(session, level, truth, model, plan, counts);
}

}  // namespace

ReplayCounts& ReplayCounts::operator+=(const ReplayCounts& other)
{
  vertebrae += other.vertebrae;
  handPlacements += other.handPlacements;
  drags += other.drags;
  accepts += other.accepts;
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
    std::optional<GhostModel> predicted;
    if (options.usePredictions && predictor) {
      predicted = predictor->ghostModel(session.annotation(), *level);
    }
    if (predicted) {
      usePrediction(session, *level, *truthPoints, *predicted, options, replay.counts);
    } else {
      for (int slot = 0; slot < SlotCount; ++slot) {
        placeCurrentAtTruth(session, *level, *truthPoints, replay.counts);
      }
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
