#include "core/assist/evaluation.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace spinemark::core::assist {

namespace {

constexpr std::array<Slot, 4> Corners = {Slot::SuperiorFirst, Slot::SuperiorSecond, Slot::InferiorFirst,
                                         Slot::InferiorSecond};

struct ErrorLists {
  std::array<std::vector<double>, MaxPlacedContext> model;
  std::array<std::vector<double>, MaxPlacedContext> baseline;
};

void collectErrors(const LandmarkPredictor& predictor, const std::vector<ImageAnnotation>& test, ErrorLists& lists)
{
  for (const ImageAnnotation& image : test) {
    for (const auto& [target, vertebra] : image.vertebrae) {
      if (!vertebra.complete()) {
        continue;
      }
      VertebraPoints truth;
      for (std::size_t slot = 0; slot < truth.size(); ++slot) {
        truth[slot] = *vertebra.points[slot];
      }
      if (superiorEndplateWidth(truth) <= 0.0) {
        continue;  // no unit to measure in; a label defect
      }
      const std::vector<VertebraPoints> below = placedBelow(image, target);
      for (int k = 1; k <= static_cast<int>(below.size()); ++k) {
        const std::vector<VertebraPoints> context(below.begin(), below.begin() + k);
        const auto index = static_cast<std::size_t>(k - 1);
        if (const auto prediction = predictor.predict(context, target)) {
          for (double error : cornerErrorsPct(prediction->points, truth)) {
            lists.model[index].push_back(error);
          }
        }
        for (double error : cornerErrorsPct(extrapolateNext(context), truth)) {
          lists.baseline[index].push_back(error);
        }
      }
    }
  }
}

AssistEvaluation summarize(const ErrorLists& lists)
{
  AssistEvaluation evaluation;
  for (std::size_t i = 0; i < lists.model.size(); ++i) {
    evaluation.model[i] = summarizeErrors(lists.model[i]);
    evaluation.baseline[i] = summarizeErrors(lists.baseline[i]);
  }
  return evaluation;
}

std::string formatNumber(double value)
{
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

std::string summariesJson(const std::array<ErrorSummary, MaxPlacedContext>& summaries)
{
  std::string out = "{";
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    out += i == 0 ? "" : ", ";
    out += "\"" + std::to_string(i + 1) + "\": {\"median_pct\": " + formatNumber(summaries[i].medianPct) +
           ", \"beyond_10pct\": " + formatNumber(summaries[i].beyond10Fraction) + "}";
  }
  return out + "}";
}

}  // namespace

std::array<double, 4> cornerErrorsPct(const VertebraPoints& predicted, const VertebraPoints& truth)
{
  const double width = superiorEndplateWidth(truth);
  std::array<double, 4> errors{};
  for (std::size_t i = 0; i < Corners.size(); ++i) {
    errors[i] = 100.0 * distance(pointOf(predicted, Corners[i]), pointOf(truth, Corners[i])) / width;
  }
  return errors;
}

ErrorSummary summarizeErrors(std::vector<double> errorsPct)
{
  ErrorSummary summary;
  summary.points = errorsPct.size();
  if (errorsPct.empty()) {
    return summary;
  }
  std::sort(errorsPct.begin(), errorsPct.end());
  const std::size_t n = errorsPct.size();
  summary.medianPct = n % 2 == 1 ? errorsPct[n / 2] : (errorsPct[n / 2 - 1] + errorsPct[n / 2]) / 2.0;
  const auto beyond = std::count_if(errorsPct.begin(), errorsPct.end(),
                                    [](double error) { return error > BeyondThresholdPct; });
  summary.beyond10Fraction = static_cast<double>(beyond) / static_cast<double>(n);
  return summary;
}

AssistEvaluation evaluatePredictor(const LandmarkPredictor& predictor, const std::vector<ImageAnnotation>& test)
{
  ErrorLists lists;
  collectErrors(predictor, test, lists);
  return summarize(lists);
}

AssistEvaluation crossValidate(const std::vector<ImageAnnotation>& images, int folds, PredictorOptions options)
{
  if (folds < 2 || folds > static_cast<int>(images.size())) {
    throw std::invalid_argument("cross-validation needs 2 to " + std::to_string(images.size()) +
                                " folds for " + std::to_string(images.size()) + " images, got " +
                                std::to_string(folds));
  }
  ErrorLists lists;
  for (int fold = 0; fold < folds; ++fold) {
    std::vector<ImageAnnotation> train;
    std::vector<ImageAnnotation> test;
    for (std::size_t i = 0; i < images.size(); ++i) {
      (static_cast<int>(i % static_cast<std::size_t>(folds)) == fold ? test : train).push_back(images[i]);
    }
    LandmarkPredictor predictor(options);
    predictor.train(train);
    collectErrors(predictor, test, lists);
  }
  return summarize(lists);
}

std::string evaluationJson(const AssistEvaluation& evaluation)
{
  return "{\"model\": " + summariesJson(evaluation.model) + ", \"baseline\": " +
         summariesJson(evaluation.baseline) + "}";
}

std::string evaluationTable(const AssistEvaluation& evaluation)
{
  std::string out = "placed  corners  model median %  model >10 %  baseline median %  baseline >10 %\n";
  for (std::size_t i = 0; i < evaluation.model.size(); ++i) {
    char row[160];
    std::snprintf(row, sizeof row, "%6zu  %7zu  %14.2f  %11.1f  %17.2f  %14.1f\n", i + 1,
                  evaluation.model[i].points, evaluation.model[i].medianPct,
                  100.0 * evaluation.model[i].beyond10Fraction, evaluation.baseline[i].medianPct,
                  100.0 * evaluation.baseline[i].beyond10Fraction);
    out += row;
  }
  return out;
}

}  // namespace spinemark::core::assist
