// Accuracy of predicted landmarks against ground truth, next to the naive baseline
// (extrapolateNext). Errors are corner distances as a percentage of the target vertebra's true
// superior endplate width, grouped by how many vertebrae below the target were used (1, 2, 3).
#pragma once

#include "core/assist/shape_model.h"

#include <array>
#include <string>
#include <vector>

namespace spinemark::core::assist {

inline constexpr double BeyondThresholdPct = 10.0;

struct ErrorSummary {
  double medianPct = 0.0;         // median corner error, % of superior endplate width
  double beyond10Fraction = 0.0;  // fraction of corners with error > 10 %, 0..1
  std::size_t points = 0;         // corners measured; the figures above are 0 when none
};

struct AssistEvaluation {
  // Index k - 1 holds the targets predicted from exactly k vertebrae below.
  std::array<ErrorSummary, MaxPlacedContext> model;
  std::array<ErrorSummary, MaxPlacedContext> baseline;
};

// Errors of the four corners (the midpoints are left out), in % of truth's superior endplate width.
std::array<double, 4> cornerErrorsPct(const VertebraPoints& predicted, const VertebraPoints& truth);
ErrorSummary summarizeErrors(std::vector<double> errorsPct);

// Predicts every vertebra of every test image that has k = 1, 2 and 3 complete vertebrae directly
// below it in the truth, from exactly those k, with the model and with the baseline.
AssistEvaluation evaluatePredictor(const LandmarkPredictor& predictor, const std::vector<ImageAnnotation>& test);

// k-fold cross-validation by image: image i is tested in fold i % folds by a model trained on the
// other folds, so no image is in both sets. Errors are pooled over folds before summarising.
// Throws std::invalid_argument when folds < 2 or exceeds the image count.
AssistEvaluation crossValidate(const std::vector<ImageAnnotation>& images, int folds, PredictorOptions options = {});

// {"model": {"1": {"median_pct": M, "beyond_10pct": F}, "2": ..., "3": ...}, "baseline": {...}}
std::string evaluationJson(const AssistEvaluation& evaluation);
// A plain-text table: one row per k with model and baseline figures.
std::string evaluationTable(const AssistEvaluation& evaluation);

}  // namespace spinemark::core::assist
