#include "core/workbench.h"

#include "core/annotation_json.h"
#include "core/annotation_store.h"
#include "core/atomic_file.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

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

Workbench::Workbench(Workspace workspace, WorkbenchOptions options, OpenProgress* progress)
    : m_workspace(std::move(workspace)),
      m_options(std::move(options)),
      m_cache(imagePaths(m_workspace), m_options.cache)
{
  m_progress.assign(m_workspace.images.size(), ImageProgress::NotStarted);
  m_completed.assign(m_workspace.images.size(), 0);
  scanProgress(progress);
  checkWritable();
  for (const auto& skipped : m_workspace.skipped) {
    report(MessageSeverity::Warning, skipped);
  }
}

Workbench::~Workbench()
{
  try {
    saveNow();
    settleJournals();
  } catch (const std::exception& error) {
    spdlog::error("final save failed: {}", error.what());
  }
}

void Workbench::scanProgress(OpenProgress* progress)
{
  for (std::size_t i = 0; i < m_workspace.images.size(); ++i) {
    if (progress) {
      if (progress->cancelRequested) throw OpenCancelled();
      progress->statusesRead += 1;
    }
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
  m_loadedHashMismatch = false;
  AnnotationLoad loaded;
  if (auto queued = m_autosave.queuedContent(path)) {
    // Reopened before its last save was written (or while the disk is full): the file on disk
    // is older than what this instance showed when the image closed.
    try {
      loaded.annotation = parseAnnotation(*queued, path);
    } catch (const AnnotationFormatError& problem) {
      spdlog::error("the unsaved version of {} does not parse: {}", path.string(), problem.what());
    }
  }
  if (!loaded.annotation) {
    loaded = loadAnnotation(path);
  }
  for (auto& problem : loaded.problems) {
    report(MessageSeverity::Error, std::move(problem));
  }
  if (loaded.annotation) {
    ImageAnnotation stored = std::move(*loaded.annotation);
    if (!stored.image.sha256.empty() && stored.image.sha256 != identity.sha256) {
      // The landmarks are kept and shown but not saved, so they are never applied to the new
      // image unseen: install() opens the image read-only until acceptChangedImage().
      m_loadedHashMismatch = true;
      report(MessageSeverity::Warning, "The image file " + entry.relativePath +
                                           " changed since its landmarks were saved (content hash differs). "
                                           "The landmarks are shown read-only; check that they still fit, "
                                           "then confirm to edit and save them again.");
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
  startSession(std::move(annotation));
  m_imageChanged = m_loadedHashMismatch;
  lockOpenImage();
  rememberDiskContent();
  openJournal();
  spdlog::info("opened image {} ({}x{}, {})", entry.relativePath, m_image->width, m_image->height,
               m_image->encoding);
  for (const auto& notice : m_image->notices) {
    report(MessageSeverity::Info, entry.relativePath + ": " + notice);
  }
  updateProgress();
}

void Workbench::startSession(ImageAnnotation annotation)
{
  m_session = std::make_unique<AnnotationSession>(std::move(annotation), m_options.startLevel);
  m_session->setUser(m_options.user);
  m_session->setChangeListener([this] { journalEdit(); });
  m_submittedRevision = m_session->revision();
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
  // Not requestImage: its poll() may find the decode already failed (a prefetched damaged image),
  // and must then step on in this direction, so the direction is set before that poll.
  m_pendingDirection = direction;
  m_pendingIndex = index == m_currentIndex ? -1 : index;
  m_cache.setCurrent(index);
  poll();
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
  if (m_journal) {
    m_closingJournals.push_back(std::move(*m_journal));
    m_journal.reset();
  }
  if (m_lock) {
    m_releasing.push_back(std::move(*m_lock));
    m_lock.reset();
  }
  m_lockHolder.reset();
  m_lockStale = false;
  m_imageChanged = false;
  m_externalChange = false;
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
  if (!m_session || m_session->revision() == m_submittedRevision || imageReadOnly()) {
    return;
  }
  checkExternalChange();
  if (m_externalChange) {
    return;
  }
  try {
    std::string content = toJson(m_session->annotation());
    m_knownContents[currentAnnotationPath()].insert(std::hash<std::string>{}(content));
    journalSubmission(content);  // before the worker may write it
    m_autosave.submit(currentAnnotationPath(), std::move(content));
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
  settleJournals();  // before maintainLocks releases the locks of closed images
  maintainLocks(now);
  if (m_session && now - m_lastExternalCheck >= ExternalChangeCheckInterval) {
    m_lastExternalCheck = now;
    checkExternalChange();
  }
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

// Probes the annotations folder (or its nearest existing parent, which a save would create it in)
// with a temporary file, because permission bits do not show a read-only mount or a root user.
void Workbench::checkWritable()
{
  std::filesystem::path folder = m_workspace.annotationsDir;
  std::error_code error;
  while (!folder.empty() && !std::filesystem::exists(folder, error) && folder.has_parent_path() &&
         folder.parent_path() != folder) {
    folder = folder.parent_path();
  }
  const auto probe = folder / (".spinemark-write-probe-" + std::to_string(::getpid()));
  const int descriptor = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (descriptor < 0) {
    const int reason = errno;
    m_readOnly = true;
    m_readOnlyProblem = "the annotations folder " + m_workspace.annotationsDir.string() +
                        " cannot be written (" + std::strerror(reason) + ")";
    report(MessageSeverity::Warning, "Opened read-only: " + m_readOnlyProblem +
                                         ". Nothing is saved; make the folder writable and reopen to edit.");
    return;
  }
  ::close(descriptor);
  ::unlink(probe.c_str());
}

void Workbench::lockOpenImage()
{
  if (m_readOnly) {
    return;
  }
  const auto path = currentAnnotationPath();
  // Reopened before its last save was written: the lock is still this instance's.
  for (auto kept = m_releasing.begin(); kept != m_releasing.end(); ++kept) {
    if (kept->path() == lockPathFor(path)) {
      m_lock.emplace(std::move(*kept));
      m_releasing.erase(kept);
      m_lastLockRefresh = Clock::now();
      return;
    }
  }
  LockAttempt attempt = ImageLock::acquire(path, currentProcessHolder(m_options.user), m_lock);
  m_lastLockRefresh = Clock::now();
  if (attempt.acquired) {
    return;
  }
  const auto& name = m_workspace.images[static_cast<std::size_t>(m_currentIndex)].relativePath;
  if (!attempt.error.empty()) {
    // Without a lock this instance cannot tell whether another one edits the image, so it does not save.
    m_lockHolder = LockHolder{"unknown", "unknown", 0, "unknown"};
    report(MessageSeverity::Error, attempt.error + " " + name + " opens read-only.");
    return;
  }
  m_lockHolder = attempt.holder;
  m_lockStale = attempt.stale;
  if (m_lockStale) {
    std::error_code error;
    const auto journalSize = std::filesystem::file_size(recoveryJournalPath(path), error);
    const bool unsavedEdits = !error && journalSize > 0;
    report(MessageSeverity::Warning, name + " is locked by " + m_lockHolder->describe() +
                                         ", but that lock looks stale (process gone or not refreshed). It "
                                         "opens read-only; take the lock over to edit it." +
                                         (unsavedEdits ? " Its recovery journal contains edits that were not "
                                                         "saved; taking over the lock restores them."
                                                       : ""));
  } else {
    report(MessageSeverity::Warning, name + " is being edited by " + m_lockHolder->describe() +
                                         ". It opens read-only; reopen it once they are done.");
  }
}

void Workbench::maintainLocks(Clock::time_point now)
{
  if (!m_releasing.empty() && !m_autosave.status().pending) {
    m_releasing.clear();  // every save of the closed images is written, so others may edit them
  }
  if (!m_lock || now - m_lastLockRefresh < LockRefreshInterval) {
    return;
  }
  m_lastLockRefresh = now;
  if (!m_lock->refresh()) {
    m_lockHolder = readLock(m_lock->path()).value_or(LockHolder{"unknown", "unknown", 0, "unknown"});
    m_lockStale = false;
    m_lock.reset();
    report(MessageSeverity::Error, "The lock of " + currentAnnotationPath().string() + " was taken over by " +
                                       m_lockHolder->describe() +
                                       ". Edits from now on are not saved; reopen the image to see theirs.");
  }
}

bool Workbench::imageReadOnly() const
{
  return m_readOnly || (m_session && (m_lockHolder.has_value() || m_imageChanged || m_externalChange));
}

std::string Workbench::readOnlyReason() const
{
  if (m_readOnly) {
    return "Read-only: " + m_readOnlyProblem + ".";
  }
  if (!m_session) {
    return {};
  }
  if (m_lockHolder) {
    return "Read-only: locked by " + m_lockHolder->describe() +
           (m_lockStale ? " (stale, can be taken over)." : ".");
  }
  if (m_externalChange) {
    return "Not saving: " + currentAnnotationPath().filename().string() +
           " was changed on disk by someone else. Reload their version or keep both.";
  }
  if (m_imageChanged) {
    return "Read-only: the image changed since its landmarks were saved. Check them and confirm.";
  }
  return {};
}

bool Workbench::takeOverLock()
{
  if (!m_session || !m_lockHolder || m_readOnly) {
    return false;
  }
  const LockHolder expected = *m_lockHolder;
  m_lockStale = core::lockIsStale(expected);
  if (!m_lockStale) {
    report(MessageSeverity::Error, "The lock of " + currentAnnotationPath().filename().string() + " is held by " +
                                       expected.describe() + ", which is still running; ask them to close the image.");
    return false;
  }
  LockAttempt attempt =
      ImageLock::takeOver(currentAnnotationPath(), currentProcessHolder(m_options.user), expected, m_lock);
  if (!attempt.acquired) {
    if (attempt.holder) {
      m_lockHolder = attempt.holder;
      m_lockStale = attempt.stale;
    }
    report(MessageSeverity::Error, "Could not take over the lock of " + currentAnnotationPath().string() + ": " +
                                       (attempt.error.empty() ? "it is now held by " + m_lockHolder->describe()
                                                              : attempt.error));
    return false;
  }
  m_lockHolder.reset();
  m_lockStale = false;
  m_lastLockRefresh = Clock::now();
  report(MessageSeverity::Info, "Took over the lock of " + currentAnnotationPath().filename().string() +
                                    " from " + expected.describe() + "; edits are saved again.");
  openJournal();  // the previous holder's unsaved edits, when it died
  return true;
}

void Workbench::acceptChangedImage()
{
  if (!m_imageChanged) {
    return;
  }
  m_imageChanged = false;
  spdlog::info("the user accepted the landmarks of {} for its changed image", currentAnnotationPath().string());
  openJournal();
  // The annotation already carries the new image's hash, so this save records the acceptance.
  m_submittedRevision = m_session->revision() + 1;  // differs from revision(), so submitSave writes
  submitSave();
}

namespace {

// The file's bytes, or nullopt when it does not exist or cannot be read.
std::optional<std::string> readWholeFile(const std::filesystem::path& path)
{
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return std::nullopt;
  }
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

}  // namespace

void Workbench::rememberDiskContent()
{
  m_externalChange = false;
  m_lastExternalCheck = Clock::now();
  if (const auto content = readWholeFile(currentAnnotationPath())) {
    m_knownContents[currentAnnotationPath()].insert(std::hash<std::string>{}(*content));
  }
}

// Reads the open annotation file and compares it with every version this instance loaded or
// submitted. Any of those may be on disk while the worker is behind, but nothing else may.
// NOTE: a deleted file is not reported, because the next save simply recreates it. A save that
// was still queued when the change was found (a full disk delays it) is written over their version.
void Workbench::checkExternalChange()
{
  if (!m_session || m_readOnly || m_lockHolder || m_externalChange) {
    return;
  }
  const auto content = readWholeFile(currentAnnotationPath());
  const auto& known = m_knownContents[currentAnnotationPath()];
  if (!content || known.count(std::hash<std::string>{}(*content)) != 0) {
    return;
  }
  m_externalChange = true;
  report(MessageSeverity::Warning, currentAnnotationPath().string() +
                                       " was changed on disk by someone else while it was open. Autosave of "
                                       "this image stopped: reload their version, or keep both (yours is "
                                       "written next to it as a .mine copy).");
}

bool Workbench::reloadFromDisk()
{
  if (!m_session) {
    return false;
  }
  const auto& entry = m_workspace.images[static_cast<std::size_t>(m_currentIndex)];
  ImageAnnotation annotation = loadOrCreateAnnotation(entry, m_decoded->image, m_decoded->sha256);
  startSession(std::move(annotation));
  m_imageChanged = m_loadedHashMismatch;
  rememberDiskContent();
  if (m_journal) {
    m_journal->reset(annotationDiskVersion(currentAnnotationPath()));  // the user dropped the unsaved edits
  }
  updateProgress();
  report(MessageSeverity::Info, "Reloaded " + currentAnnotationPath().filename().string() + " from disk.");
  return true;
}

std::filesystem::path Workbench::keepBothVersions()
{
  if (!m_session) {
    return {};
  }
  std::string stamp = utcTimestamp();
  std::replace(stamp.begin(), stamp.end(), ':', '-');
  auto copy = currentAnnotationPath();
  copy += ".mine-" + stamp;
  try {
    writeFileAtomically(copy, toJson(m_session->annotation()));
  } catch (const std::exception& error) {
    report(MessageSeverity::Error, std::string(error.what()) + " Your version stays open and unsaved.");
    return {};
  }
  report(MessageSeverity::Info, "Kept your version as " + copy.filename().string() + ".");
  reloadFromDisk();
  return copy;
}

}  // namespace spinemark::core
