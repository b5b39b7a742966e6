#include "core/autosave.h"

#include "core/annotation_store.h"
#include "core/atomic_file.h"

#include <spdlog/spdlog.h>

#include <vector>

namespace spinemark::core {

AutosaveWorker::AutosaveWorker() : m_thread([this] { run(); }) {}

AutosaveWorker::~AutosaveWorker()
{
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  m_thread.join();
}

void AutosaveWorker::submit(const std::filesystem::path& path, std::string content)
{
  {
    std::lock_guard lock(m_mutex);
    Entry& entry = m_queue[path];
    entry.content = std::move(content);
    entry.submission = ++m_submissionSerial;
    entry.failedAttempt = 0;
    entry.nextAttempt = Clock::now();
    ++m_status.submitted;
  }
  m_wake.notify_all();
}

void AutosaveWorker::flush()
{
  std::unique_lock lock(m_mutex);
  unsigned long startAttempt = m_attemptSerial;
  Clock::time_point now = Clock::now();
  for (auto& [path, entry] : m_queue) {
    entry.nextAttempt = now;
  }
  m_wake.notify_all();
  m_idle.wait(lock, [&] {
    if (m_writing) {
      return false;
    }
    for (const auto& [path, entry] : m_queue) {
      if (entry.failedAttempt <= startAttempt) {
        return false;
      }
    }
    return true;
  });
}

SaveStatus AutosaveWorker::status() const
{
  std::lock_guard lock(m_mutex);
  SaveStatus status = m_status;
  status.pending = m_writing || !m_queue.empty();
  return status;
}

std::optional<std::string> AutosaveWorker::queuedContent(const std::filesystem::path& path) const
{
  std::lock_guard lock(m_mutex);
  const auto found = m_queue.find(path);
  if (found == m_queue.end()) {
    return std::nullopt;
  }
  return found->second.content;
}

bool AutosaveWorker::hasQueued(const std::filesystem::path& path) const
{
  std::lock_guard lock(m_mutex);
  return m_queue.count(path) != 0;
}

void AutosaveWorker::run()
{
  std::unique_lock lock(m_mutex);
  while (!m_stop) {
    auto due = dueEntry(Clock::now());
    if (due != m_queue.end()) {
      attempt(lock, due->first);
      continue;
    }
    if (m_queue.empty()) {
      m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
      continue;
    }
    Clock::time_point earliest = Clock::time_point::max();
    for (const auto& [path, entry] : m_queue) {
      earliest = std::min(earliest, entry.nextAttempt);
    }
    m_wake.wait_until(lock, earliest);
  }

  // Final attempt on shutdown: each entry still queued gets one more try, failed or not.
  std::vector<std::filesystem::path> remaining;
  for (const auto& [path, entry] : m_queue) {
    remaining.push_back(path);
  }
  for (const auto& path : remaining) {
    if (m_queue.count(path) != 0) {
      attempt(lock, path);
    }
  }
  if (!m_queue.empty()) {
    spdlog::error("autosave stopped with {} unsaved file(s); the newest error was: {}", m_queue.size(),
                  m_status.lastError.value_or("none"));
  }
}

std::map<std::filesystem::path, AutosaveWorker::Entry>::iterator AutosaveWorker::dueEntry(Clock::time_point now)
{
  auto due = m_queue.end();
  for (auto it = m_queue.begin(); it != m_queue.end(); ++it) {
    if (it->second.nextAttempt <= now && (due == m_queue.end() || it->second.nextAttempt < due->second.nextAttempt)) {
      due = it;
    }
  }
  return due;
}

// Writes one entry with the mutex released, so submit() and status() never wait on the disk.
void AutosaveWorker::attempt(std::unique_lock<std::mutex>& lock, std::filesystem::path path)
{
  const Entry& entry = m_queue.at(path);
  std::string content = entry.content;
  unsigned long submission = entry.submission;
  m_writing = true;
  lock.unlock();

  std::optional<std::string> error;
  try {
    saveAnnotation(path, content);  // keeps the previous valid file as its backup
  } catch (const FileWriteError& failure) {
    error = failure.what();
  } catch (const std::exception& failure) {
    // Anything else (for example bad_alloc) must not escape the thread and end the program.
    error = "Could not save " + path.string() + ": " + failure.what();
  }

  lock.lock();
  m_writing = false;
  ++m_attemptSerial;
  finishAttempt(path, submission, error ? &*error : nullptr);
  m_idle.notify_all();
}

void AutosaveWorker::finishAttempt(const std::filesystem::path& path, unsigned long submission,
                                   const std::string* error)
{
  auto found = m_queue.find(path);
  bool stillCurrent = found != m_queue.end() && found->second.submission == submission;

  if (error == nullptr) {
    ++m_status.written;
    spdlog::debug("autosave wrote {}", path.string());
    bool recovered = found != m_queue.end() && found->second.failing;
    if (stillCurrent) {
      m_queue.erase(found);
    } else if (found != m_queue.end()) {
      found->second.failing = false;
    }
    if (recovered) {
      spdlog::info("autosave of {} succeeded again after earlier failures", path.string());
    }
    if (!anyEntryFailing()) {
      m_status.lastError.reset();
    }
    return;
  }

  ++m_status.failed;
  m_status.lastError = *error;
  if (found == m_queue.end()) {
    return;
  }
  // Log the first failure of a path as an error and the retries at debug, so a full disk does not
  // add an error line every RetryInterval.
  if (!found->second.failing) {
    spdlog::error("autosave failed, retrying every {} s: {}", RetryInterval.count(), *error);
  } else {
    spdlog::debug("autosave retry failed: {}", *error);
  }
  found->second.failing = true;
  if (stillCurrent) {
    found->second.failedAttempt = m_attemptSerial;
    found->second.nextAttempt = Clock::now() + RetryInterval;
  }
}

bool AutosaveWorker::anyEntryFailing() const
{
  for (const auto& [path, entry] : m_queue) {
    if (entry.failing) {
      return true;
    }
  }
  return false;
}

}  // namespace spinemark::core
