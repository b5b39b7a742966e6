// Multi-output ridge regression with the penalty chosen by leave-one-out error, in closed form.
// Inputs and outputs are centred, so the intercept is not penalised.
#pragma once

#include <cstddef>
#include <vector>

namespace spinemark::core::assist {

class RidgeRegression {
 public:
  // Fits rows of features to rows of targets (one row per sample, equal row counts, every row of
  // one matrix the same length). Picks the penalty from a log grid of 1e-6 to 10 times the mean
  // eigenvalue of the centred Gram matrix by the smallest leave-one-out squared error. Throws
  // std::invalid_argument for empty or ragged input.
  static RidgeRegression fit(const std::vector<std::vector<double>>& features,
                             const std::vector<std::vector<double>>& targets);

  std::vector<double> predict(const std::vector<double>& features) const;

  std::size_t featureCount() const { return m_featureMean.size(); }
  std::size_t targetCount() const { return m_targetMean.size(); }
  std::size_t sampleCount() const { return m_sampleCount; }
  double penalty() const { return m_penalty; }

 private:
  std::vector<double> m_featureMean;
  std::vector<double> m_targetMean;
  std::vector<double> m_weights;  // featureCount x targetCount, row-major
  std::size_t m_sampleCount = 0;
  double m_penalty = 0.0;
};

}  // namespace spinemark::core::assist
