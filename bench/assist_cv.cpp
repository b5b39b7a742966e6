// bench/assist: k-fold cross-validation of the landmark predictor on a corners CSV (by default
// the AASCE ground truth beside the repository), printed as a table next to the naive baseline.
// Usage: assist [CORNERS_CSV] [FOLDS]   (defaults: the AASCE corners-px.csv, 5 folds)
#include "core/assist/corners_csv.h"
#include "core/assist/evaluation.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

int main(int argc, char** argv)
{
  using namespace spinemark::core::assist;
  const std::string csv = argc > 1 ? argv[1] : SPINEMARK_AASCE_CORNERS;
  const int folds = argc > 2 ? std::atoi(argv[2]) : 5;
  try {
    const auto images = readCornersCsv(csv);
    const auto start = std::chrono::steady_clock::now();
    const AssistEvaluation evaluation = crossValidate(images, folds);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%zu images from %s, %d-fold cross-validation by image, %.1f s\n", images.size(), csv.c_str(),
                folds, seconds);
    std::printf("%s", evaluationTable(evaluation).c_str());
    std::printf("%s\n", evaluationJson(evaluation).c_str());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "assist: %s\n", error.what());
    return 1;
  }
  return 0;
}
