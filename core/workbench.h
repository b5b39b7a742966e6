// The annotation workflow over one workspace, without any GUI: which image is open, its decoded
// pixels, its editing session, and when to autosave. The app draws it; tests drive it directly.
#pragma once

#include "core/annotation_session.h"
#include "core/autosave.h"
#include "core/image.h"
#include "core/image_cache.h"
#include "core/image_lock.h"
#include "core/recovery_journal.h"
#include "core/workspace.h"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace spinemark::core {

struct WorkbenchOptions {
  std::string user;             // recorded as annotator
  Level startLevel = Level::L5; // first vertebra on an image without landmarks
  // Longest time an edit stays unsaved while the app runs.
  std::chrono::milliseconds autosaveDelay{250};
  // Background decoding: worker count, images prefetched on each side, memory budget.
  ImageCacheOptions cache{};
};

enum class MessageSeverity { Info, Warning, Error };

struct UserMessage {
  MessageSeverity severity = MessageSeverity::Info;
  std::string text;
};

enum class ImageProgress { NotStarted, InProgress, Complete, Unreadable };

class Workbench {
 public:
  using Clock = std::chrono::steady_clock;

  // Reads every image's status from its annotation file. progress, when given, counts the files
  // read, and its cancellation throws OpenCancelled.
  Workbench(Workspace workspace, WorkbenchOptions options, OpenProgress* progress = nullptr);
  ~Workbench();  // saves pending edits

  const Workspace& workspace() const { return m_workspace; }
  const WorkbenchOptions& options() const { return m_options; }

  // Opens image index: decodes it and loads or creates its annotation. On failure the previous
  // image stays closed, a message names the file and the reason, and false is returned.
  bool openImage(int index);
  // Opens the next or previous image, skipping unreadable ones. Returns false at either end.
  bool openNext();
  bool openPrevious();
  // Opens the first image after the current one (wrapping around) that is not complete.
  bool openNextUnfinished();

  // Asynchronous opening for the UI: requestImage asks the decoder pool for index (and its
  // prefetch window) and returns at once; poll, once per frame, opens the requested image when
  // its decode has finished, which is in the same call when it was prefetched. The current image
  // stays open and editable until then. A failed decode reports a message; when the request came
  // from requestNext or requestPrevious, the following image in that direction is requested.
  void requestImage(int index);
  // Request the image after or before the requested one (or the open one when nothing is
  // pending), skipping images known to be unreadable. Return false at either end.
  bool requestNext();
  bool requestPrevious();
  // Returns true when the open image changed.
  bool poll();
  // The index asked for that is not open yet, or -1.
  int pendingIndex() const { return m_pendingIndex; }
  // Called on a decoder thread when a decode finishes, to wake an event-driven UI loop.
  void setOnImageDecoded(std::function<void()> callback) { m_cache.setOnFinished(std::move(callback)); }
  ImageCacheStats cacheStats() const { return m_cache.stats(); }
  // True while a requested image or a prefetch is still being decoded.
  bool decoding() const { return m_pendingIndex >= 0 || !m_cache.idle(); }
  // True when index is decoded and in memory, so opening it takes no decode.
  bool isCached(int index) { return m_cache.find(index) != nullptr; }
  // The decoded image of index when it is in memory, else null; the UI uploads its texture early.
  std::shared_ptr<const DecodedImage> cachedImage(int index) { return m_cache.find(index); }
  // The current image and its prefetch neighbours, in decode priority order.
  std::vector<int> prefetchWindow() const { return m_cache.prefetchWindow(m_currentIndex); }

  int currentIndex() const { return m_currentIndex; }
  bool hasImage() const { return m_image != nullptr; }
  const Image& image() const { return *m_image; }
  AnnotationSession& session() { return *m_session; }
  const AnnotationSession& session() const { return *m_session; }
  std::filesystem::path currentAnnotationPath() const;

  // Progress of every workspace image: from its annotation file until opened, then live.
  ImageProgress progress(int index) const { return m_progress.at(static_cast<std::size_t>(index)); }
  int completedVertebrae(int index) const { return m_completed.at(static_cast<std::size_t>(index)); }

  // Submits the open annotation to the autosave worker when it changed and the delay passed.
  void tick(Clock::time_point now);
  // Submits any unsaved change and waits until it is written or has failed.
  void saveNow();
  SaveStatus saveStatus() const { return m_autosave.status(); }
  bool hasUnsavedChanges() const;

  // Messages for the user since the last call, oldest first.
  std::vector<UserMessage> takeMessages();

  // The annotations folder cannot be written (read-only mount, no permission): nothing is saved,
  // so the app must refuse edits and show readOnlyReason().
  bool readOnly() const { return m_readOnly; }
  // True when the open image's annotations are not saved: the workspace is read-only, another
  // holder locks the image, or the image changed since it was annotated. Edits must be refused.
  bool imageReadOnly() const;
  // Why imageReadOnly() is true, for a banner; empty otherwise.
  std::string readOnlyReason() const;
  // The other holder of the open image's lock, when it is locked by someone else.
  const std::optional<LockHolder>& lockHolder() const { return m_lockHolder; }
  bool lockIsStale() const { return m_lockStale; }
  // Takes over the open image's stale lock once the user confirmed. Returns false, with a message,
  // when the lock is not stale or changed meanwhile.
  bool takeOverLock();
  // True while the open image's content hash differs from the one its annotation was saved for.
  bool imageChanged() const { return m_imageChanged; }
  // Accepts the stored landmarks for the changed image after the user checked them; saving resumes.
  void acceptChangedImage();
  // True when the open image's annotation file was changed by someone else since this instance
  // loaded or saved it. Autosave of the image stops until reloadFromDisk or keepBothVersions.
  bool externalChange() const { return m_externalChange; }
  // Replaces the open annotation with the file's current content, dropping unsaved edits.
  bool reloadFromDisk();
  // Writes this instance's version next to the file as NAME.json.mine-TIME, then reloads the
  // file's version. Returns the copy, or an empty path (with a message) when it could not be written.
  std::filesystem::path keepBothVersions();
  // How often tick() compares the open annotation file with what this instance wrote. Every
  // submitted save compares it too.
  static constexpr std::chrono::seconds ExternalChangeCheckInterval{2};

 private:
  void closeImage();
  bool requestStep(int direction);
  void install(int index, std::shared_ptr<const DecodedImage> decoded);
  void submitSave();
  void scanProgress(OpenProgress* progress);
  void updateProgress();
  void report(MessageSeverity severity, std::string text);
  ImageAnnotation loadOrCreateAnnotation(const WorkspaceImage& entry, const Image& image, const std::string& sha256);
  void checkWritable();
  void lockOpenImage();
  void maintainLocks(Clock::time_point now);
  void rememberDiskContent();
  void checkExternalChange();
  void startSession(ImageAnnotation annotation);
  // Recovery journal (workbench_journal.cpp).
  void openJournal();
  void recoverFromJournal(const std::string& diskVersion);
  void applyJournalRecord(const JournalRecord& newest, bool keptAside);
  void journalEdit();
  void journalSubmission(const std::string& content);
  void settleJournals();
  void reportJournalProblem(std::optional<std::string> problem);

  Workspace m_workspace;
  WorkbenchOptions m_options;
  AutosaveWorker m_autosave;
  ImageCache m_cache;
  int m_currentIndex = -1;
  int m_pendingIndex = -1;
  int m_pendingDirection = 0;  // +1 or -1 when the request came from requestNext or requestPrevious
  std::shared_ptr<const DecodedImage> m_decoded;  // shares the cached image, so switching back is free
  const Image* m_image = nullptr;                 // &m_decoded->image while an image is open
  std::unique_ptr<AnnotationSession> m_session;
  unsigned long m_submittedRevision = 0;
  Clock::time_point m_lastSubmit{};
  std::vector<ImageProgress> m_progress;
  std::vector<int> m_completed;
  std::vector<UserMessage> m_messages;

  bool m_readOnly = false;
  std::string m_readOnlyProblem;           // why the annotations folder is not writable
  std::optional<ImageLock> m_lock;         // this instance's lock on the open image
  std::optional<LockHolder> m_lockHolder;  // someone else's lock on the open image
  bool m_lockStale = false;
  bool m_imageChanged = false;
  bool m_loadedHashMismatch = false;      // set by loadOrCreateAnnotation for install
  std::vector<ImageLock> m_releasing;     // locks of closed images, released once their saves are written
  Clock::time_point m_lastLockRefresh{};
  // Hashes of every content of each annotation file that this instance loaded or submitted since
  // it started, kept across image switches because the worker may write an image's last save
  // after it was closed and reopened. Any other content on disk means someone else wrote the file.
  std::map<std::filesystem::path, std::set<std::size_t>> m_knownContents;
  bool m_externalChange = false;
  Clock::time_point m_lastExternalCheck{};
  // The open image's journal, while the image is editable.
  std::optional<RecoveryJournal> m_journal;
  // Journals of closed images, cleared and dropped once their last save is written.
  std::vector<RecoveryJournal> m_closingJournals;
  // m_submittedRevision after a journal was restored: differs from every revision, so the
  // restored annotation counts as unsaved until autosave writes it.
  static constexpr unsigned long NeverSubmitted = ~0UL;
};

// Orientation preset from the file's header, or the default (AP, patient right on image left).
Orientation orientationFromHint(const OrientationHint& hint);

}  // namespace spinemark::core
