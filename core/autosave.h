// Background saving of annotation files. The UI thread submits serialized snapshots; one
// worker thread writes them atomically, newest first, so the UI never waits on the disk.
#pragma once

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
  // Blocks until every submission so far is written or has failed.
  void flush();
  SaveStatus status() const;

 private:
  void run();

  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::condition_variable m_idle;
  std::map<std::filesystem::path, std::string> m_queue;
  bool m_writing = false;
  bool m_stop = false;
  SaveStatus m_status;
  std::thread m_thread;
};

}  // namespace spinemark::core
