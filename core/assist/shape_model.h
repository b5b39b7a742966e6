// Predicted landmarks: a model, learned only from a workspace's own completed annotations (or a
// seeding ground-truth file), that proposes the six landmarks of the next vertebra up the spine.
//
// For each target level and each count k = 1..3 of complete vertebrae directly below it, a ridge
// regression maps the k vertebrae's points to the target's points, all in the similarity frame of
// the nearest vertebra below (VertebraFrame), so position, rotation and scale of the image drop
// out. While a level has too few examples a model pooled over all levels is used instead, and with
// fewer still the prediction is the geometric extrapolation (extrapolateNext). Pixels are not
// used.
#pragma once

#include "core/annotation.h"
#include "core/assist/error_covariance.h"
#include "core/assist/partial_fit.h"
#include "core/assist/ridge_regression.h"
#include "core/assist/vertebra_frame.h"

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace spinemark::core::assist {

enum class PredictionMethod { LevelRegression, PooledRegression, Extrapolation };

struct Prediction {
  VertebraPoints points;
  std::optional<VertebraFrame> frame;  // of the nearest vertebra below, where the errors are learned
  PredictionMethod method = PredictionMethod::Extrapolation;
  int placedUsed = 0;  // vertebrae below the target that the prediction used, 1..3
};

struct PredictorOptions {
  int minSamplesPerLevel = 10;  // examples a (level, k) regression needs before it is used
  int minSamplesPooled = 5;     // examples the pooled regression for k needs
};

// Raised for a model file that cannot be read or is invalid; what() names the file and problem.
class ModelFileError : public std::runtime_error {
 public:
  ModelFileError(const std::filesystem::path& path, const std::string& problem);
};

class LandmarkPredictor {
 public:
  explicit LandmarkPredictor(PredictorOptions options = {});

  // Replaces the training images with these and refits. Only complete vertebrae are used.
  void train(const std::vector<ImageAnnotation>& images);
  // Adds an image (or replaces the earlier copy of the same image, matched by SHA-256, else by
  // path) and refits. Refitting takes a few tenths of a second for 400 images (bench/assist on
  // 2 cores), so an interactive caller should refit off the UI thread.
  void addCompletedImage(const ImageAnnotation& image);
  // The same for many images with one refit.
  void addImages(const std::vector<ImageAnnotation>& images);

  // The six points of target, from the complete vertebrae directly below it in annotation, or
  // nullopt when the vertebra just below target is not complete.
  std::optional<VertebraPoints> predictNext(const ImageAnnotation& annotation, Level target) const;
  // The same from explicit vertebrae below target, nearest first (only the first 3 are used).
  std::optional<Prediction> predict(const std::vector<VertebraPoints>& below, Level target) const;
  // predictNext with the error covariance of target's level, for fitting ghost points to the
  // landmarks already placed (partial_fit.h).
  std::optional<GhostModel> ghostModel(const ImageAnnotation& annotation, Level target) const;

  std::size_t imageCount() const { return m_images.size(); }
  // Examples behind the (target, k) regression, 0 when that regression is not fitted.
  std::size_t levelSampleCount(Level target, int placed) const;

  // Writes the training images (landmarks only, keyed by image hash or path) as JSON, atomically.
  // The fitted models are recomputed on load, so the file never disagrees with its data.
  void save(const std::filesystem::path& path) const;
  // Throws ModelFileError.
  static LandmarkPredictor load(const std::filesystem::path& path, PredictorOptions options = {});

 private:
  struct StoredImage {
    std::string key;
    std::map<Level, VertebraPoints> vertebrae;
  };
  static StoredImage toStored(const ImageAnnotation& image);
  static ImageAnnotation toAnnotation(const StoredImage& image);
  void refit();
  // Learns m_errors from the fitted models' residuals on the training images.
  void learnErrors();

  PredictorOptions m_options;
  std::vector<StoredImage> m_images;
  std::map<std::pair<Level, int>, RidgeRegression> m_levelModels;
  std::map<int, RidgeRegression> m_pooledModels;
  ErrorCovariances m_errors;
};

// Where a workspace keeps its model: <annotations>/.spinemark/assist-model.json. The folder name
// starts with a dot, so annotation readers and the CSV export skip it.
std::filesystem::path defaultModelPath(const std::filesystem::path& annotationsDir);

}  // namespace spinemark::core::assist
