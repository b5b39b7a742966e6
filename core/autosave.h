// Background saving of annotation files. The UI thread submits serialized snapshots; one
// worker thread writes them atomically, newest first, so the UI never waits on the disk.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace spinemark::core {

struct SaveStatus {
  unsigned long submitted = 0;  // saves requested so far
  unsigned long written = 0;    // saves completed
  unsigned long failed = 0;     // saves that failed
  std::optional<std::string> lastError;  // message of the newest failure, cleared by a success
  bool pending = false;                  // something waits to be written
};

class AutosaveWorker {
 public:
  AutosaveWorker();
  ~AutosaveWorker();  // writes everything still queued, then stops
  AutosaveWorker(const AutosaveWorker&) = delete;
  AutosaveWorker& operator=(const AutosaveWorker&) = delete;

  // Queues content for path. A newer submission for the same path replaces an unwritten one.
  void submit(const std::filesystem::path& path, std::string content);
  // Blocks until every submission so far is written or has failed. Entries that failed earlier are
  // retried at once, and each remaining entry must fail again after flush began, so a full disk
  // makes flush return with status().lastError set instead of blocking forever.
  void flush();
  SaveStatus status() const;
  // The newest content submitted for path that is not written yet, so that reopening a file
  // shows it instead of the older version on disk.
  std::optional<std::string> queuedContent(const std::filesystem::path& path) const;
  // True while a submission for path is not written yet (queued, being written or failing).
  bool hasQueued(const std::filesystem::path& path) const;

  // Delay before a failed save is tried again, unless flush() or a new submission comes first.
  static constexpr std::chrono::seconds RetryInterval{2};

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    std::string content;
    unsigned long submission = 0;      // serial of the submit() that stored content
    unsigned long failedAttempt = 0;   // serial of the newest failed attempt, 0 if none
    bool failing = false;              // the newest attempt for this path failed (kept on replace)
    Clock::time_point nextAttempt;
  };

  void run();
  std::map<std::filesystem::path, Entry>::iterator dueEntry(Clock::time_point now);
  // Takes path by value because a successful write erases the map entry that owns the key.
  void attempt(std::unique_lock<std::mutex>& lock, std::filesystem::path path);
  void finishAttempt(const std::filesystem::path& path, unsigned long submission, const std::string* error);
  bool anyEntryFailing() const;

  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::condition_variable m_idle;
  std::map<std::filesystem::path, Entry> m_queue;
  unsigned long m_submissionSerial = 0;
  unsigned long m_attemptSerial = 0;  // write attempts finished so far
  bool m_writing = false;
  bool m_stop = false;
  SaveStatus m_status;
  std::thread m_thread;
};

}  // namespace spinemark::core
