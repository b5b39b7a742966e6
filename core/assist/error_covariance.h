// The covariance of the landmark predictor's errors (truth - prediction) over the twelve
// coordinates of a vertebra, in the frame of the vertebra below it, learned per level. With it,
// the landmarks an annotator has placed tell where the unplaced ones probably are.
#pragma once

#include "core/annotation.h"

#include <array>
#include <map>
#include <optional>
#include <vector>

namespace spinemark::core::assist {

inline constexpr int CoordinateCount = 2 * SlotCount;
using Residual = std::array<double, CoordinateCount>;  // x, y per slot
// Row-major, CoordinateCount x CoordinateCount.
using Covariance = std::array<double, CoordinateCount * CoordinateCount>;

struct LevelResidual {
  Level level;
  Residual residual;
};

class ErrorCovariances {
 public:
  // Replaces what was learned. Residuals longer than three times the median length are left out,
  // like the regression's outliers, because they come from label defects.
  void fit(const std::vector<LevelResidual>& residuals);

  // The level's covariance, shrunk towards the one pooled over all levels (as if the pooled one
  // were PriorSamples extra observations), or nullopt while fewer than MinimumSamples residuals
  // were learned in all.
  std::optional<Covariance> forLevel(Level level) const;

  static constexpr int MinimumSamples = 20;
  static constexpr double PriorSamples = 20.0;

 private:
  struct Sum {
    Covariance outer{};
    int count = 0;
  };
  static void addOuter(const Residual& residual, Sum& sum);

  std::map<Level, Sum> m_levels;
  Sum m_pooled;
};

}  // namespace spinemark::core::assist
