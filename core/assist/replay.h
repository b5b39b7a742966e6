// The simulated annotator: replays ground-truth images through the real AnnotationSession as a
// careful annotator would, with or without predicted landmarks, and estimates the time with the
// Keystroke-Level Model.
//
// Per vertebra the annotator first prepares mentally (M). With a prediction on screen it accepts
// the ghost points with one key when all six lie within the tolerance of the truth. When some do
// not, it takes the quicker of two ways. Either it drags each wrong ghost point to the truth (the
// first drag accepts the others), or it places landmarks by hand. The ghost points of the
// remaining landmarks follow each placement (assist/partial_fit.h). Once they all lie within the
// tolerance, one key accepts them. It picks the quickest order the cursor allows, skipping a
// landmark with Tab (K) when placing another first saves time (assist/hand_plan.h). A hand placement points at the landmark
// and presses Space (P + K). A drag points at the ghost point and drags it to the truth with the
// button held (2 P + one press and release, counted as K). After drags the cursor stays on the
// corrected vertebra, so one more key (W) moves it up.
// NOTE: scrolling, zooming and switching images are not counted.
#pragma once

#include "core/annotation.h"
#include "core/assist/shape_model.h"

#include <string>
#include <vector>

namespace spinemark::core::assist {

// Keystroke-Level Model operator times in seconds: P for pointing, K for a keystroke (an average
// typist) and M for mental preparation, which the replay counts once per vertebra.
struct KlmConstants {
  double pointingSeconds = 1.1;
  double keystrokeSeconds = 0.2;
  double mentalSeconds = 1.35;
};

struct ReplayOptions {
  bool usePredictions = true;
  // Add each replayed image to the predictor once it is complete, as the app does.
  bool learnAsCompleted = true;
  // A ghost point is accepted when its distance to the truth is at most this percentage of the
  // vertebra's true superior endplate width.
  double acceptTolerancePct = 5.0;
  KlmConstants klm;
};

struct ReplayCounts {
  int vertebrae = 0;
  int handPlacements = 0;  // landmarks placed by pointing and Space
  int drags = 0;           // ghost points dragged to the truth
  int accepts = 0;         // accept key presses
  int cursorMoves = 0;     // W presses after a corrected vertebra

  int keystrokes() const { return handPlacements + accepts + cursorMoves; }
  int pointerActions() const { return handPlacements + drags; }
  ReplayCounts& operator+=(const ReplayCounts& other);
};

// Keystroke-Level Model estimate: M per vertebra, P per hand placement and 2 P per drag, K per
// keystroke and per drag's button press and release.
double klmSeconds(const ReplayCounts& counts, const KlmConstants& klm);

struct ImageReplay {
  std::string image;  // image.relativePath of the truth
  ReplayCounts counts;
  double seconds = 0.0;
  ImageAnnotation result;  // the session's annotation after the last vertebra
};

// Replays one image: starts a session at the lowest complete truth vertebra and annotates upward
// while the truth has the current level. predictor may be null (then nothing is predicted).
ImageReplay replayImage(const ImageAnnotation& truth, const LandmarkPredictor* predictor, const ReplayOptions& options);

struct ReplaySummary {
  std::vector<ImageReplay> images;
  double meanSeconds = 0.0;
  double meanPointerActions = 0.0;
  double meanKeystrokes = 0.0;
};

// Replays the images in order; with learnAsCompleted each finished image trains predictor before
// the next one starts.
ReplaySummary replayImages(const std::vector<ImageAnnotation>& truths, LandmarkPredictor& predictor,
                           const ReplayOptions& options);

}  // namespace spinemark::core::assist
