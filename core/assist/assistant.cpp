#include "core/assist/assistant.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <system_error>
#include <utility>

#include "core/assist/annotation_folder.h"
#include "core/assist/partial_fit.h"

namespace spinemark::core::assist {
namespace {

// Loads the seeded model file when it exists, else learns from the workspace's annotations.
LandmarkPredictor loadOrTrain(const std::filesystem::path& annotationsDir,
                              const std::filesystem::path& modelPath, std::vector<std::string>& messages)
{
  std::error_code error;
  if (std::filesystem::exists(modelPath, error)) {
    try {
      auto predictor = LandmarkPredictor::load(modelPath);
      spdlog::info("landmark predictor loaded from {} ({} images)", modelPath.string(),
                   predictor.imageCount());
      return predictor;
    } catch (const ModelFileError& problem) {
      messages.push_back(std::string(problem.what()) +
                         "; predictions are learned from this workspace instead");
    }
  }
  LandmarkPredictor predictor;
  if (std::filesystem::is_directory(annotationsDir, error)) {
    try {
      auto folder = readAnnotationFolder(annotationsDir);
      predictor.train(folder.annotations);
      spdlog::info("landmark predictor trained on {} annotation files", folder.annotations.size());
    } catch (const std::exception& problem) {
      messages.push_back(std::string("cannot learn predictions from ") + annotationsDir.string() + ": " +
                         problem.what());
    }
  }
  return predictor;
}

bool isOpenAndVisible(const ImageAnnotation& annotation, Level level)
{
  const auto found = annotation.vertebrae.find(level);
  return found == annotation.vertebrae.end() ||
         (!found->second.complete() && found->second.status == VertebraStatus::Visible);
}

}  // namespace

Assistant::Assistant(std::filesystem::path annotationsDir)
    : m_annotationsDir(std::move(annotationsDir)), m_modelPath(defaultModelPath(m_annotationsDir))
{
  m_loading = std::async(std::launch::async, [dir = m_annotationsDir, model = m_modelPath] {
    LoadResult result;
    result.predictor = loadOrTrain(dir, model, result.messages);
    return result;
  });
}

Assistant::~Assistant()
{
  try {
    waitUntilReady();
  } catch (const std::exception& problem) {
    spdlog::error("landmark predictor: the last refit failed: {}", problem.what());
  }
}

void Assistant::finishLoading()
{
  if (m_loading.valid()) {
    auto result = m_loading.get();
    m_predictor = std::move(result.predictor);
    for (auto& message : result.messages) {
      spdlog::warn("{}", message);
      m_messages.push_back(std::move(message));
    }
  }
}

bool Assistant::ready()
{
  if (m_loading.valid() && m_loading.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
    finishLoading();
  }
  collectRefit(false);
  return m_predictor.has_value();
}

void Assistant::waitUntilReady()
{
  finishLoading();
  while (m_refitting.valid() || (!m_queued.empty() && m_predictor)) {
    collectRefit(true);
  }
}

void Assistant::collectRefit(bool wait)
{
  if (m_refitting.valid() &&
      (wait || m_refitting.wait_for(std::chrono::seconds(0)) == std::future_status::ready)) {
    auto result = m_refitting.get();
    m_predictor = std::move(result.predictor);
    m_cachedRevision = ~0UL;
    for (auto& message : result.messages) {
      spdlog::warn("{}", message);
      m_messages.push_back(std::move(message));
    }
  }
  if (!m_refitting.valid()) {
    startRefit();
  }
}

void Assistant::startRefit()
{
  if (!m_predictor || m_queued.empty()) {
    return;
  }
  m_refitting = std::async(
      std::launch::async,
      [predictor = *m_predictor, images = std::exchange(m_queued, {}), path = m_modelPath]() mutable {
        LoadResult result;
        predictor.addImages(images);
        try {
          predictor.save(path);
        } catch (const std::exception& problem) {
          result.messages.push_back(std::string("cannot save the landmark model: ") + problem.what());
        }
        result.predictor = std::move(predictor);
        return result;
      });
}

std::optional<VertebraPoints> Assistant::suggestion(const AnnotationSession& session)
{
  if (!ready()) {
    return std::nullopt;
  }
  const auto& annotation = session.annotation();
  const Level level = session.current().level;
  const std::string& image = annotation.image.relativePath;
  if (image == m_cachedImage && session.revision() == m_cachedRevision && m_cachedLevel == level) {
    return m_cached;
  }
  m_cachedImage = image;
  m_cachedRevision = session.revision();
  m_cachedLevel = level;
  m_cached.reset();
  if (isOpenAndVisible(annotation, level) && !rejected(image, level)) {
    if (const auto model = m_predictor->ghostModel(annotation, level)) {
      m_cached = fitGhosts(*model, placedPoints(annotation, level));
    }
  }
  return m_cached;
}

void Assistant::reject(const std::string& imageKey, Level level)
{
  m_rejected.insert({imageKey, level});
  m_cachedRevision = ~0UL;
}

bool Assistant::rejected(const std::string& imageKey, Level level) const
{
  return m_rejected.count({imageKey, level}) > 0;
}

void Assistant::learnFrom(const ImageAnnotation& annotation)
{
  m_queued.push_back(annotation);
  ready();
}

std::size_t Assistant::trainingImages() { return ready() ? m_predictor->imageCount() : 0; }

std::vector<std::string> Assistant::takeMessages() { return std::exchange(m_messages, {}); }

}  // namespace spinemark::core::assist
