// Per-image edit locks, so that two instances (or two people on a shared folder) never overwrite
// each other's annotations silently. The lock of NAME.json is the hidden file .NAME.json.lock next
// to it, created with O_EXCL, and it records the holder's user, host, process id and the time it
// was last refreshed.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace spinemark::core {

struct LockHolder {
  std::string user;
  std::string host;
  long pid = 0;
  std::string refreshed;  // UTC time of creation or the newest refresh, ISO 8601 with Z
  // Text for messages: "USER on HOST (process PID, refreshed TIME)".
  std::string describe() const;
  bool operator==(const LockHolder&) const = default;
};

// How old an unrefreshed lock must be before it counts as stale when its holder runs on another
// host. Holders refresh every LockRefreshInterval, so this is ten missed refreshes.
inline constexpr std::chrono::seconds LockStaleAfter{300};
inline constexpr std::chrono::seconds LockRefreshInterval{30};

// The lock file of an annotation file: ".NAME.json.lock" in the same folder.
std::filesystem::path lockPathFor(const std::filesystem::path& annotationPath);

// The holder this process writes: the given user name, this host name and this process id.
LockHolder currentProcessHolder(const std::string& user);

// Reads a lock file. Returns nullopt when it is missing or cannot be parsed. ImageLock::acquire
// reports an unparsable lock (half written when its holder crashed) as stale, so the user can
// take it over.
std::optional<LockHolder> readLock(const std::filesystem::path& lockPath);

// True when the holder cannot be working any more: it ran on this host and its process is gone, or
// its last refresh is older than staleAfter.
bool lockIsStale(const LockHolder& holder, std::chrono::seconds staleAfter = LockStaleAfter);

struct LockAttempt {
  bool acquired = false;
  std::optional<LockHolder> holder;  // the other holder when not acquired
  bool stale = false;                // the other holder's lock is stale and may be taken over
  std::string error;                 // set when the lock file could not be created for another reason
};

// A lock this process holds. Releasing removes the file only while it still names this holder,
// so a lock taken over by someone else is left alone.
class ImageLock {
 public:
  // Creates the lock for annotationPath when no one holds it.
  static LockAttempt acquire(const std::filesystem::path& annotationPath, const LockHolder& self,
                             std::optional<ImageLock>& lock);
  // Replaces the lock of expected (after the user confirmed) with one for self. Fails, returning
  // the new holder, when the lock changed since expected was read.
  static LockAttempt takeOver(const std::filesystem::path& annotationPath, const LockHolder& self,
                              const LockHolder& expected, std::optional<ImageLock>& lock);

  ImageLock(ImageLock&& other) noexcept;
  ImageLock& operator=(ImageLock&& other) noexcept;
  ImageLock(const ImageLock&) = delete;
  ImageLock& operator=(const ImageLock&) = delete;
  ~ImageLock();

  // Rewrites the time in the lock. Returns false when the lock no longer names this holder.
  bool refresh();
  // True while the lock file still names this holder.
  bool stillHeld() const;
  const std::filesystem::path& path() const { return m_path; }
  const LockHolder& holder() const { return m_holder; }

 private:
  ImageLock(std::filesystem::path path, LockHolder holder) : m_path(std::move(path)), m_holder(std::move(holder)) {}
  void release();

  std::filesystem::path m_path;  // the lock file, empty after a move
  LockHolder m_holder;
};

}  // namespace spinemark::core
