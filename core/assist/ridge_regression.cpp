#include "core/assist/ridge_regression.h"

#include <Eigen/Dense>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace spinemark::core::assist {

namespace {

Eigen::MatrixXd toMatrix(const std::vector<std::vector<double>>& rows, const char* what)
{
  if (rows.empty() || rows.front().empty()) {
    throw std::invalid_argument(std::string("ridge regression: no ") + what);
  }
  Eigen::MatrixXd matrix(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.front().size()));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].size() != rows.front().size()) {
      throw std::invalid_argument(std::string("ridge regression: ") + what + " row " + std::to_string(i) +
                                  " has " + std::to_string(rows[i].size()) + " values, row 0 has " +
                                  std::to_string(rows.front().size()));
    }
    for (std::size_t j = 0; j < rows[i].size(); ++j) {
      matrix(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
    }
  }
  return matrix;
}

}  // namespace

RidgeRegression RidgeRegression::fit(const std::vector<std::vector<double>>& features,
                                     const std::vector<std::vector<double>>& targets)
{
  Eigen::MatrixXd x = toMatrix(features, "features");
  Eigen::MatrixXd y = toMatrix(targets, "targets");
  if (x.rows() != y.rows()) {
    throw std::invalid_argument("ridge regression: " + std::to_string(x.rows()) + " feature rows but " +
                                std::to_string(y.rows()) + " target rows");
  }
  const Eigen::RowVectorXd xMean = x.colwise().mean();
  const Eigen::RowVectorXd yMean = y.colwise().mean();
  x.rowwise() -= xMean;
  y.rowwise() -= yMean;
  const auto n = static_cast<double>(x.rows());

  // With X'X = V D V' and Z = X V, the fit for penalty l is V (D + l)^-1 Z'Y and the hat matrix
  // diagonal is sum_j Z_ij^2 / (d_j + l), plus 1/n for the intercept. One eigendecomposition
  // therefore serves every penalty on the grid.
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(x.transpose() * x);
  const Eigen::VectorXd d = eigen.eigenvalues().cwiseMax(0.0);
  const Eigen::MatrixXd& v = eigen.eigenvectors();
  const Eigen::MatrixXd z = x * v;
  const Eigen::MatrixXd zty = z.transpose() * y;
  const Eigen::MatrixXd zSquared = z.cwiseAbs2();
  const double meanEigenvalue = std::max(d.mean(), 1e-12);

  double bestError = std::numeric_limits<double>::infinity();
  double bestPenalty = meanEigenvalue;
  for (int exponent = -12; exponent <= 2; ++exponent) {
    const double penalty = meanEigenvalue * std::pow(10.0, exponent / 2.0);
    const Eigen::VectorXd inverse = (d.array() + penalty).inverse().matrix();
    const Eigen::MatrixXd fitted = z * inverse.asDiagonal() * zty;
    const Eigen::VectorXd leverage = (zSquared * inverse).array() + 1.0 / n;
    double error = 0.0;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const double shrink = std::max(1.0 - leverage(i), 1e-9);
      error += (y.row(i) - fitted.row(i)).squaredNorm() / (shrink * shrink);
    }
    if (error < bestError) {
      bestError = error;
      bestPenalty = penalty;
    }
  }

  const Eigen::VectorXd inverse = (d.array() + bestPenalty).inverse().matrix();
  const Eigen::MatrixXd weights = v * inverse.asDiagonal() * zty;

  RidgeRegression model;
  model.m_featureMean.assign(xMean.data(), xMean.data() + xMean.size());
  model.m_targetMean.assign(yMean.data(), yMean.data() + yMean.size());
  model.m_weights.resize(static_cast<std::size_t>(weights.size()));
  for (Eigen::Index i = 0; i < weights.rows(); ++i) {
    for (Eigen::Index j = 0; j < weights.cols(); ++j) {
      model.m_weights[static_cast<std::size_t>(i * weights.cols() + j)] = weights(i, j);
    }
  }
  model.m_sampleCount = static_cast<std::size_t>(x.rows());
  model.m_penalty = bestPenalty;
  return model;
}

std::vector<double> RidgeRegression::predict(const std::vector<double>& features) const
{
  if (features.size() != featureCount()) {
    throw std::invalid_argument("ridge regression: expected " + std::to_string(featureCount()) +
                                " features, got " + std::to_string(features.size()));
  }
  std::vector<double> output = m_targetMean;
  for (std::size_t i = 0; i < features.size(); ++i) {
    const double centred = features[i] - m_featureMean[i];
    for (std::size_t j = 0; j < output.size(); ++j) {
      output[j] += centred * m_weights[i * output.size() + j];
    }
  }
  return output;
}

}  // namespace spinemark::core::assist
