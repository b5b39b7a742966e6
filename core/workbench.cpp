#include "core/workbench.h"

#include "core/annotation_json.h"
#include "core/annotation_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>
#include <system_error>

namespace spinemark::core {
namespace {

int countComplete(const ImageAnnotation& annotation)
{
  int complete = 0;
  for (const auto& [level, vertebra] : annotation.vertebrae) {
    complete += vertebra.complete() ? 1 : 0;
  }
  return complete;
}

ImageProgress progressOf(const ImageAnnotation& annotation, Level startLevel)
{
  if (annotationComplete(annotation, startLevel)) {
    return ImageProgress::Complete;
  }
  if (annotation.vertebrae.empty() && annotation.workflow.state == WorkflowState::New) {
    return ImageProgress::NotStarted;
  }
  return ImageProgress::InProgress;
}

}  // namespace

Orientation orientationFromHint(const OrientationHint& hint)
{
  Orientation orientation;
  if (hint.view == ViewPosition::Unknown) {
    return orientation;
  }
  orientation.source = Orientation::Source::Dicom;
  if (hint.view == ViewPosition::Lateral) {
    orientation.view = View::Lateral;
    // +x towards posterior means anterior is on the image's left.
    orientation.firstSideIsRightOrAnterior = hint.rowDirection != "A";
  } else {
    orientation.view = hint.view == ViewPosition::PA ? View::PA : View::AP;
    // +x towards the patient's left means the patient's right is on the image's left.
    orientation.firstSideIsRightOrAnterior = hint.rowDirection != "R";
  }
  return orientation;
}

namespace {

std::vector<std::filesystem::path> imagePaths(const Workspace& workspace)
{
  std::vector<std::filesystem::path> paths;
  paths.reserve(workspace.images.size());
  for (const auto& image : workspace.images) {
    paths.push_back(image.path);
  }
  return paths;
}

}  // namespace

Workbench::Workbench(Workspace workspace, WorkbenchOptions options)
    : m_workspace(std::move(workspace)),
      m_options(std::move(options)),
      m_cache(imagePaths(m_workspace), m_options.cache)
{
  m_progress.assign(m_workspace.images.size(), ImageProgress::NotStarted);
  m_completed.assign(m_workspace.images.size(), 0);
  scanProgress();
  for (const auto& skipped : m_workspace.skipped) {
    report(MessageSeverity::Warning, skipped);
  }
}

Workbench::~Workbench()
{
  try {
    saveNow();
  } catch (const std::exception& error) {
    spdlog::error("final save failed: {}", error.what());
  }
}

void Workbench::scanProgress()
{
  for (std::size_t i = 0; i < m_workspace.images.size(); ++i) {
    const auto path = m_workspace.annotationPath(m_workspace.images[i]);
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
      continue;
    }
    try {
      const auto annotation = readAnnotationFile(path);
      m_progress[i] = progressOf(annotation, m_options.startLevel);
      m_completed[i] = countComplete(annotation);
    } catch (const AnnotationFormatError& problem) {
      spdlog::warn("{}", problem.what());
      m_progress[i] = ImageProgress::InProgress;
    }
  }
}

std::filesystem::path Workbench::currentAnnotationPath() const
{
  if (m_currentIndex < 0) {
    return {};
  }
  return m_workspace.annotationPath(m_workspace.images[static_cast<std::size_t>(m_currentIndex)]);
}

void Workbench::report(MessageSeverity severity, std::string text)
{
  if (severity == MessageSeverity::Error) {
    spdlog::error("{}", text);
  } else if (severity == MessageSeverity::Warning) {
    spdlog::warn("{}", text);
  } else {
    spdlog::info("{}", text);
  }
  m_messages.push_back({severity, std::move(text)});
}

std::vector<UserMessage> Workbench::takeMessages()
{
  return std::exchange(m_messages, {});
}

ImageAnnotation Workbench::loadOrCreateAnnotation(const WorkspaceImage& entry, const Image& image,
                                                  const std::string& sha256)
{
  ImageIdentity identity;
  identity.relativePath = entry.relativePath;
  identity.width = image.width;
  identity.height = image.height;
  identity.sha256 = sha256;  // hashed by the decoder thread, off the UI thread
  identity.sopInstanceUid = image.sopInstanceUid;
  identity.spacing = image.spacing;

  const auto path = m_workspace.annotationPath(entry);
  AnnotationLoad loaded = loadAnnotation(path);
  for (auto& problem : loaded.problems) {
    report(MessageSeverity::Error, std::move(problem));
  }
  if (loaded.annotation) {
    ImageAnnotation stored = std::move(*loaded.annotation);
    if (!stored.image.sha256.empty() && stored.image.sha256 != identity.sha256) {
      report(MessageSeverity::Warning, "The image file " + entry.relativePath +
                                           " changed since its landmarks were saved (content hash differs); "
                                           "check that the landmarks still fit before going on.");
    }
    stored.image = identity;
    spdlog::info("loaded annotation {} ({} vertebrae{})", path.string(), stored.vertebrae.size(),
                 loaded.fromBackup ? ", from the backup" : "");
    return stored;
  }

  ImageAnnotation fresh;
  fresh.image = identity;
  fresh.orientation = orientationFromHint(image.orientation);
  fresh.annotator = m_options.user;
  fresh.created = utcTimestamp();
  fresh.modified = fresh.created;
  return fresh;
}

bool Workbench::openImage(int index)
{
  if (index < 0 || index >= static_cast<int>(m_workspace.images.size())) {
    return false;
  }
  m_pendingIndex = -1;
  m_cache.setCurrent(index);
  try {
    install(index, m_cache.loadNow(index));
  } catch (const std::exception& error) {
    m_progress[static_cast<std::size_t>(index)] = ImageProgress::Unreadable;
    report(MessageSeverity::Error, std::string(error.what()) + ". Skip to the next image or check the file.");
    return false;
  }
  return true;
}

void Workbench::install(int index, std::shared_ptr<const DecodedImage> decoded)
{
  const auto& entry = m_workspace.images[static_cast<std::size_t>(index)];
  ImageAnnotation annotation = loadOrCreateAnnotation(entry, decoded->image, decoded->sha256);

  closeImage();
  m_currentIndex = index;
  m_decoded = std::move(decoded);
  m_image = &m_decoded->image;
  m_session = std::make_unique<AnnotationSession>(std::move(annotation), m_options.startLevel);
  m_session->setUser(m_options.user);
  m_submittedRevision = m_session->revision();
  spdlog::info("opened image {} ({}x{}, {})", entry.relativePath, m_image->width, m_image->height,
               m_image->encoding);
  for (const auto& notice : m_image->notices) {
    report(MessageSeverity::Info, entry.relativePath + ": " + notice);
  }
  updateProgress();
}

bool Workbench::openNext()
{
  for (int index = m_currentIndex + 1; index < static_cast<int>(m_workspace.images.size()); ++index) {
    if (openImage(index)) {
      return true;
    }
  }
  return false;
}

bool Workbench::openNextUnfinished()
{
  const int count = static_cast<int>(m_workspace.images.size());
  for (int step = 1; step <= count; ++step) {
    const int index = (std::max(m_currentIndex, 0) + step) % count;
    const auto progress = m_progress[static_cast<std::size_t>(index)];
    if (progress != ImageProgress::Complete && progress != ImageProgress::Unreadable && index != m_currentIndex &&
        openImage(index)) {
      return true;
    }
  }
  return false;
}

bool Workbench::openPrevious()
{
  for (int index = m_currentIndex - 1; index >= 0; --index) {
    if (openImage(index)) {
      return true;
    }
  }
  return false;
}

void Workbench::requestImage(int index)
{
  if (index < 0 || index >= static_cast<int>(m_workspace.images.size())) {
    return;
  }
  m_pendingDirection = 0;
  m_pendingIndex = index == m_currentIndex ? -1 : index;
  m_cache.setCurrent(index);
  poll();
}

bool Workbench::requestStep(int direction)
{
  const int count = static_cast<int>(m_workspace.images.size());
  int index = (m_pendingIndex >= 0 ? m_pendingIndex : m_currentIndex) + direction;
  while (index >= 0 && index < count && m_progress[static_cast<std::size_t>(index)] == ImageProgress::Unreadable) {
    index += direction;
  }
  if (index < 0 || index >= count) {
    return false;
  }
  requestImage(index);
  if (m_pendingIndex >= 0) {
    m_pendingDirection = direction;
  }
  return true;
}

bool Workbench::requestNext() { return requestStep(1); }

bool Workbench::requestPrevious() { return requestStep(-1); }

bool Workbench::poll()
{
  if (m_pendingIndex < 0) {
    return false;
  }
  const int index = m_pendingIndex;
  std::optional<std::string> failure = m_cache.error(index);
  if (auto decoded = m_cache.find(index)) {
    m_pendingIndex = -1;
    try {
      install(index, std::move(decoded));
      return true;
    } catch (const std::exception& error) {
      failure = error.what();
    }
  }
  if (failure) {
    m_pendingIndex = -1;
    m_progress[static_cast<std::size_t>(index)] = ImageProgress::Unreadable;
    report(MessageSeverity::Error, *failure + ". Skip to the next image or check the file.");
    if (m_pendingDirection != 0) {
      requestStep(m_pendingDirection);
    }
    return false;
  }
  if (!m_cache.isPending(index)) {
    // Decoded while a jump elsewhere was in effect but evicted since, or dropped over budget.
    m_cache.setCurrent(index);
  }
  return false;
}

void Workbench::closeImage()
{
  if (m_session) {
    submitSave();
  }
  m_session.reset();
  m_image = nullptr;
  m_decoded.reset();
  m_currentIndex = -1;
}

bool Workbench::hasUnsavedChanges() const
{
  const auto status = m_autosave.status();
  return status.pending || (m_session && m_session->revision() != m_submittedRevision);
}

void Workbench::submitSave()
{
  if (!m_session || m_session->revision() == m_submittedRevision) {
    return;
  }
  try {
    m_autosave.submit(currentAnnotationPath(), toJson(m_session->annotation()));
  } catch (const std::invalid_argument& error) {
    // Text that is not valid UTF-8 (an old 8-bit file name, say) would make an unreadable file.
    report(MessageSeverity::Error, "Cannot save " + currentAnnotationPath().string() + ": " + error.what() +
                                       ". Rename the image file to UTF-8 and reopen it.");
  }
  m_submittedRevision = m_session->revision();
  updateProgress();
}

void Workbench::updateProgress()
{
  if (!m_session) {
    return;
  }
  const auto index = static_cast<std::size_t>(m_currentIndex);
  m_progress[index] = progressOf(m_session->annotation(), m_options.startLevel);
  m_completed[index] = countComplete(m_session->annotation());
}

void Workbench::tick(Clock::time_point now)
{
  if (!m_session || m_session->revision() == m_submittedRevision) {
    return;
  }
  updateProgress();
  if (now - m_lastSubmit >= m_options.autosaveDelay) {
    submitSave();
    m_lastSubmit = now;
  }
}

void Workbench::saveNow()
{
  submitSave();
  m_autosave.flush();
}

}  // namespace spinemark::core
