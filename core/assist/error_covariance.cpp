#include "core/assist/error_covariance.h"

#include <algorithm>
#include <cmath>

namespace spinemark::core::assist {

namespace {

double length(const Residual& residual)
{
  double sum = 0.0;
  for (double value : residual) {
    sum += value * value;
  }
  return std::sqrt(sum);
}

}  // namespace

void ErrorCovariances::addOuter(const Residual& residual, Sum& sum)
{
  for (int row = 0; row < CoordinateCount; ++row) {
    for (int column = 0; column < CoordinateCount; ++column) {
      sum.outer[static_cast<std::size_t>(row * CoordinateCount + column)] +=
          residual[static_cast<std::size_t>(row)] * residual[static_cast<std::size_t>(column)];
    }
  }
  ++sum.count;
}

void ErrorCovariances::fit(const std::vector<LevelResidual>& residuals)
{
  m_levels.clear();
  m_pooled = {};
  if (residuals.empty()) {
    return;
  }
  std::vector<double> lengths;
  lengths.reserve(residuals.size());
  for (const auto& entry : residuals) {
    lengths.push_back(length(entry.residual));
  }
  std::vector<double> sorted = lengths;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2),
                   sorted.end());
  const double limit = 3.0 * sorted[sorted.size() / 2];

  for (std::size_t i = 0; i < residuals.size(); ++i) {
    if (lengths[i] > limit) {
      continue;
    }
    addOuter(residuals[i].residual, m_levels[residuals[i].level]);
    addOuter(residuals[i].residual, m_pooled);
  }
}

std::optional<Covariance> ErrorCovariances::forLevel(Level level) const
{
  if (m_pooled.count < MinimumSamples) {
    return std::nullopt;
  }
  Covariance pooled;
  for (std::size_t i = 0; i < pooled.size(); ++i) {
    pooled[i] = m_pooled.outer[i] / static_cast<double>(m_pooled.count);
  }
  const auto found = m_levels.find(level);
  if (found == m_levels.end()) {
    return pooled;
  }
  Covariance shrunk;
  for (std::size_t i = 0; i < shrunk.size(); ++i) {
    shrunk[i] = (found->second.outer[i] + PriorSamples * pooled[i]) / (found->second.count + PriorSamples);
  }
  return shrunk;
}

}  // namespace spinemark::core::assist
