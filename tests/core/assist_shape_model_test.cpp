#include "core/assist/shape_model.h"

#include "core/assist/evaluation.h"
#include "core/assist/ridge_regression.h"
#include "support/synthetic_spine.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

namespace spinemark::core::assist {
namespace {

using testing::SpineParameters;
using testing::syntheticSpine;

// Spines that differ in position, size, rotation and curvature, drawn with a fixed seed.
std::vector<ImageAnnotation> syntheticSpines(int count, unsigned seed)
{
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<ImageAnnotation> spines;
  for (int i = 0; i < count; ++i) {
    SpineParameters p;
    p.originX = 300 + 400 * unit(random);
    p.originY = 1600 + 300 * unit(random);
    p.scale = 40 + 40 * unit(random);
    p.rotation = -0.2 + 0.4 * unit(random);
    p.curvature = -0.06 + 0.12 * unit(random);
    spines.push_back(syntheticSpine(p, "spine-" + std::to_string(seed) + "-" + std::to_string(i)));
  }
  return spines;
}

VertebraPoints pointsOf(const ImageAnnotation& image, Level level)
{
  VertebraPoints points;
  for (std::size_t slot = 0; slot < points.size(); ++slot) {
    points[slot] = *image.vertebrae.at(level).points[slot];
  }
  return points;
}

void writeText(const std::filesystem::path& path, const std::string& text)
{
  std::ofstream(path, std::ios::binary) << text;
}

double maxErrorPct(const VertebraPoints& predicted, const VertebraPoints& truth)
{
  double worst = 0.0;
  for (std::size_t slot = 0; slot < truth.size(); ++slot) {
    worst = std::max(worst, 100.0 * distance(predicted[slot], truth[slot]) / superiorEndplateWidth(truth));
  }
  return worst;
}

TEST(RidgeRegressionTest, RecoversLinearMap)
{
  std::vector<std::vector<double>> features;
  std::vector<std::vector<double>> targets;
  for (int i = 0; i < 30; ++i) {
    const double a = std::sin(i * 1.3);
    const double b = std::cos(i * 0.7);
    features.push_back({a, b});
    targets.push_back({2 * a - 3 * b + 1, 0.5 * b});
  }
  const RidgeRegression model = RidgeRegression::fit(features, targets);
  const auto predicted = model.predict({0.25, -0.5});
  EXPECT_NEAR(predicted[0], 2 * 0.25 + 1.5 + 1, 1e-3);
  EXPECT_NEAR(predicted[1], -0.25, 1e-3);
}

TEST(RidgeRegressionTest, RejectsRaggedRows)
{
  EXPECT_THROW(RidgeRegression::fit({{1, 2}, {3}}, {{1}, {2}}), std::invalid_argument);
  EXPECT_THROW(RidgeRegression::fit({{1}, {2}}, {{1}}), std::invalid_argument);
}

TEST(LandmarkPredictorTest, PredictsSyntheticSpinesClosely)
{
  LandmarkPredictor predictor;
  predictor.train(syntheticSpines(60, 1));
  for (const ImageAnnotation& spine : syntheticSpines(10, 2)) {
    for (Level target : {Level::L2, Level::T12, Level::T6, Level::T1}) {
      const auto prediction = predictor.predict(placedBelow(spine, target), target);
      ASSERT_TRUE(prediction);
      EXPECT_EQ(prediction->method, PredictionMethod::LevelRegression);
      EXPECT_EQ(prediction->placedUsed, 3);
      EXPECT_LT(maxErrorPct(prediction->points, pointsOf(spine, target)), 0.5)
          << spine.image.relativePath << " " << levelName(target);
    }
  }
}

TEST(LandmarkPredictorTest, BeatsBaselineOnCurvedSpines)
{
  const AssistEvaluation evaluation = crossValidate(syntheticSpines(50, 3), 5);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_LT(evaluation.model[k].medianPct, evaluation.baseline[k].medianPct) << "k = " << k + 1;
    EXPECT_GT(evaluation.model[k].points, 0u);
  }
  EXPECT_LT(evaluation.model[2].medianPct, 0.5);
}

TEST(LandmarkPredictorTest, ExtrapolatesWithoutTrainingData)
{
  const LandmarkPredictor predictor;
  const ImageAnnotation spine = syntheticSpine({}, "straight");
  const auto below = placedBelow(spine, Level::L3);
  const auto prediction = predictor.predict(below, Level::L3);
  ASSERT_TRUE(prediction);
  EXPECT_EQ(prediction->method, PredictionMethod::Extrapolation);
  const VertebraPoints expected = extrapolateNext(below);
  for (std::size_t slot = 0; slot < expected.size(); ++slot) {
    EXPECT_EQ(prediction->points[slot], expected[slot]);
  }
}

TEST(LandmarkPredictorTest, NothingBelowGivesNoPrediction)
{
  LandmarkPredictor predictor;
  predictor.train(syntheticSpines(20, 4));
  ImageAnnotation partial = syntheticSpine({}, "partial");
  partial.vertebrae.at(Level::L4).points[2].reset();
  EXPECT_FALSE(predictor.predictNext(partial, Level::L5));
  EXPECT_FALSE(predictor.predictNext(partial, Level::L3));
  EXPECT_TRUE(predictor.predictNext(partial, Level::L4));
}

TEST(LandmarkPredictorTest, PooledModelStandsInForRareLevels)
{
  PredictorOptions options;
  options.minSamplesPerLevel = 1000;
  LandmarkPredictor predictor(options);
  predictor.train(syntheticSpines(20, 5));
  EXPECT_EQ(predictor.levelSampleCount(Level::L3, 2), 0u);
  const ImageAnnotation spine = syntheticSpine({}, "straight");
  const auto prediction = predictor.predict(placedBelow(spine, Level::L3), Level::L3);
  ASSERT_TRUE(prediction);
  EXPECT_EQ(prediction->method, PredictionMethod::PooledRegression);
}

TEST(LandmarkPredictorTest, AddedImagesUpdateModel)
{
  LandmarkPredictor predictor;
  const auto spines = syntheticSpines(12, 6);
  for (const auto& spine : spines) {
    predictor.addCompletedImage(spine);
  }
  predictor.addCompletedImage(spines.front());  // the same image again replaces its copy
  EXPECT_EQ(predictor.imageCount(), 12u);
  EXPECT_EQ(predictor.levelSampleCount(Level::L4, 1), 12u);
  EXPECT_EQ(predictor.levelSampleCount(Level::L4, 2), 0u);  // L4 has only L5 below
}

TEST(LandmarkPredictorTest, SaveLoadKeepsPredictions)
{
  LandmarkPredictor predictor;
  predictor.train(syntheticSpines(15, 7));
  const auto folder = testing::makeScratchDir("assist-model");
  const auto path = defaultModelPath(folder);
  predictor.save(path);
  const LandmarkPredictor loaded = LandmarkPredictor::load(path);
  EXPECT_EQ(loaded.imageCount(), 15u);
  const ImageAnnotation spine = syntheticSpine({}, "probe");
  const auto before = predictor.predictNext(spine, Level::T8);
  const auto after = loaded.predictNext(spine, Level::T8);
  ASSERT_TRUE(before && after);
  for (std::size_t slot = 0; slot < before->size(); ++slot) {
    EXPECT_EQ((*before)[slot], (*after)[slot]);
  }
}

TEST(LandmarkPredictorTest, LoadRejectsOtherFiles)
{
  const auto folder = testing::makeScratchDir("assist-model-bad");
  writeText(folder / "model.json", "{\"schema\": \"urn:other\", \"schema_version\": 1, \"images\": []}");
  EXPECT_THROW(LandmarkPredictor::load(folder / "model.json"), ModelFileError);
  writeText(folder / "truncated.json", "{\"schema\": \"urn:spinemark:assist-model\", \"schema_ver");
  EXPECT_THROW(LandmarkPredictor::load(folder / "truncated.json"), ModelFileError);
  EXPECT_THROW(LandmarkPredictor::load(folder / "missing.json"), ModelFileError);
}

}  // namespace
}  // namespace spinemark::core::assist
