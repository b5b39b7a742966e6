// The predictor as the annotation app uses it: trained in the background from the workspace's
// own annotation files (or loaded from the model file that `spinemark learn` seeded), asked for
// the next vertebra while the annotator works, and updated as images are completed.
#pragma once

#include <filesystem>
#include <future>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/annotation_session.h"
#include "core/assist/shape_model.h"

namespace spinemark::core::assist {

class Assistant {
 public:
  // Starts loading the model file, or training from every annotation file under annotationsDir
  // when there is none, on a background thread.
  explicit Assistant(std::filesystem::path annotationsDir);
  ~Assistant();
  Assistant(const Assistant&) = delete;
  Assistant& operator=(const Assistant&) = delete;

  // Blocks until the background load or training and every queued refit have finished (tests,
  // and before the app exits).
  void waitUntilReady();
  bool ready();

  // The predicted six points of the session's current vertebra when it is visible, not complete
  // and not rejected, and the vertebra below it is complete. Placed landmarks keep their position
  // and the others follow them (fitGhosts). Cached per revision.
  std::optional<VertebraPoints> suggestion(const AnnotationSession& session);
  // Hides the suggestion for level on the image identified by imageKey (its relative path).
  void reject(const std::string& imageKey, Level level);
  bool rejected(const std::string& imageKey, Level level) const;

  // Queues a completed image for the training data. A background thread refits and saves the
  // model file, and the refitted model replaces the current one once it is done, so the caller
  // never waits for a refit. Images completed meanwhile go into the next refit.
  void learnFrom(const ImageAnnotation& annotation);
  std::size_t trainingImages();

  // Problems found while loading or saving, oldest first, since the last call.
  std::vector<std::string> takeMessages();

 private:
  void finishLoading();
  // Takes a finished refit's model (blocking when wait is true), then starts the next refit when
  // images are queued.
  void collectRefit(bool wait);
  void startRefit();

  std::filesystem::path m_annotationsDir;
  std::filesystem::path m_modelPath;
  struct LoadResult {
    LandmarkPredictor predictor;
    std::vector<std::string> messages;
  };
  std::future<LoadResult> m_loading;
  std::future<LoadResult> m_refitting;
  std::vector<ImageAnnotation> m_queued;  // completed images waiting for the next refit
  std::optional<LandmarkPredictor> m_predictor;
  std::set<std::pair<std::string, Level>> m_rejected;
  std::vector<std::string> m_messages;
  // Cache of the last suggestion, keyed by image, revision and level.
  std::string m_cachedImage;
  unsigned long m_cachedRevision = ~0UL;
  std::optional<Level> m_cachedLevel;
  std::optional<VertebraPoints> m_cached;
};

}  // namespace spinemark::core::assist
