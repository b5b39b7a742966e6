#include "core/image_lock.h"

#include "core/annotation.h"
#include "core/atomic_file.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <sstream>

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

namespace spinemark::core {
namespace {

std::string hostName()
{
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) {
    return "unknown-host";
  }
  return name;
}

std::string serialize(const LockHolder& holder)
{
  return "user=" + holder.user + "\nhost=" + holder.host + "\npid=" + std::to_string(holder.pid) +
         "\nrefreshed=" + holder.refreshed + "\n";
}

// Seconds since the epoch of a "YYYY-MM-DDTHH:MM:SSZ" time, or nullopt when it does not parse.
std::optional<std::time_t> parseUtc(const std::string& text)
{
  std::tm utc{};
  std::istringstream stream(text);
  stream >> std::get_time(&utc, "%Y-%m-%dT%H:%M:%SZ");
  if (stream.fail()) {
    return std::nullopt;
  }
  return ::timegm(&utc);
}

bool processAlive(long pid)
{
  if (pid <= 0) {
    return false;
  }
  // EPERM means the process exists but belongs to another user.
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

// Creates path with O_EXCL. Returns 0, or the errno of the failure.
int createExclusive(const std::filesystem::path& path, const std::string& content)
{
  int descriptor = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (descriptor < 0) {
    return errno;
  }
  std::size_t done = 0;
  int error = 0;
  while (done < content.size()) {
    ssize_t written = ::write(descriptor, content.data() + done, content.size() - done);
    if (written < 0 && errno == EINTR) {
      continue;
    }
    if (written < 0) {
      error = errno;
      break;
    }
    done += static_cast<std::size_t>(written);
  }
  ::close(descriptor);
  if (error != 0) {
    ::unlink(path.c_str());
  }
  return error;
}

}  // namespace

std::string LockHolder::describe() const
{
  return user + " on " + host + " (process " + std::to_string(pid) + ", refreshed " + refreshed + ")";
}

std::filesystem::path lockPathFor(const std::filesystem::path& annotationPath)
{
  return annotationPath.parent_path() / ("." + annotationPath.filename().string() + ".lock");
}

LockHolder currentProcessHolder(const std::string& user)
{
  LockHolder holder;
  holder.user = user.empty() ? "unknown" : user;
  holder.host = hostName();
  holder.pid = static_cast<long>(::getpid());
  holder.refreshed = utcTimestamp();
  return holder;
}

std::optional<LockHolder> readLock(const std::filesystem::path& lockPath)
{
  std::ifstream file(lockPath, std::ios::binary);
  if (!file) {
    return std::nullopt;
  }
  LockHolder holder;
  bool hasPid = false;
  std::string line;
  while (std::getline(file, line)) {
    const auto equals = line.find('=');
    if (equals == std::string::npos) {
      continue;
    }
    const std::string key = line.substr(0, equals);
    const std::string value = line.substr(equals + 1);
    if (key == "user") {
      holder.user = value;
    } else if (key == "host") {
      holder.host = value;
    } else if (key == "pid") {
      try {
        holder.pid = std::stol(value);
        hasPid = true;
      } catch (const std::exception&) {
        return std::nullopt;
      }
    } else if (key == "refreshed") {
      holder.refreshed = value;
    }
  }
  if (!hasPid || holder.host.empty() || holder.refreshed.empty()) {
    return std::nullopt;
  }
  return holder;
}

bool lockIsStale(const LockHolder& holder, std::chrono::seconds staleAfter)
{
  if (holder.host == hostName() && !processAlive(holder.pid)) {
    return true;
  }
  const auto refreshed = parseUtc(holder.refreshed);
  if (!refreshed) {
    return true;
  }
  return std::time(nullptr) - *refreshed > staleAfter.count();
}

LockAttempt ImageLock::acquire(const std::filesystem::path& annotationPath, const LockHolder& self,
                               std::optional<ImageLock>& lock)
{
  LockAttempt attempt;
  const auto path = lockPathFor(annotationPath);
  std::error_code ignored;
  std::filesystem::create_directories(path.parent_path(), ignored);

  // Two tries: a lock file that vanishes between the failed create and the read (its holder just
  // closed the image) is created again once.
  for (int tries = 0; tries < 2; ++tries) {
    const int error = createExclusive(path, serialize(self));
    if (error == 0) {
      lock.emplace(ImageLock(path, self));
      attempt.acquired = true;
      return attempt;
    }
    if (error != EEXIST) {
      attempt.error = "Could not create the lock file " + path.string() + ": " + std::strerror(error) +
                      ". Check that the annotations folder is writable.";
      return attempt;
    }
    attempt.holder = readLock(path);
    if (attempt.holder) {
      attempt.stale = lockIsStale(*attempt.holder);
      return attempt;
    }
    std::error_code missing;
    if (std::filesystem::exists(path, missing)) {
      // Unreadable or half written: a holder that crashed while creating it. Treat it as stale.
      attempt.holder = LockHolder{"unknown", "unknown", 0, "unknown"};
      attempt.stale = true;
      return attempt;
    }
  }
  attempt.error = "The lock file " + path.string() + " kept changing; try opening the image again.";
  return attempt;
}

LockAttempt ImageLock::takeOver(const std::filesystem::path& annotationPath, const LockHolder& self,
                                const LockHolder& expected, std::optional<ImageLock>& lock)
{
  LockAttempt attempt;
  const auto path = lockPathFor(annotationPath);
  const auto current = readLock(path);
  const bool unreadable = !current && std::filesystem::exists(path);
  const bool unchanged = current ? *current == expected : (unreadable && expected.pid == 0);
  if (current && !unchanged) {
    attempt.holder = current;
    attempt.stale = lockIsStale(*current);
    return attempt;
  }
  // NOTE: another instance could take the same stale lock between the read above and the rename
  // below. The last rename wins, and the losing instance sees stillHeld() turn false.
  try {
    writeFileAtomically(path, serialize(self));
  } catch (const FileWriteError& error) {
    attempt.error = error.what();
    return attempt;
  }
  spdlog::warn("took over the lock {} from {}", path.string(), expected.describe());
  lock.emplace(ImageLock(path, self));
  attempt.acquired = true;
  return attempt;
}

ImageLock::ImageLock(ImageLock&& other) noexcept
    : m_path(std::exchange(other.m_path, {})), m_holder(std::move(other.m_holder))
{
}

ImageLock& ImageLock::operator=(ImageLock&& other) noexcept
{
  if (this != &other) {
    release();
    m_path = std::exchange(other.m_path, {});
    m_holder = std::move(other.m_holder);
  }
  return *this;
}

ImageLock::~ImageLock() { release(); }

bool ImageLock::stillHeld() const
{
  const auto current = readLock(m_path);
  return current && current->host == m_holder.host && current->pid == m_holder.pid &&
         current->user == m_holder.user;
}

bool ImageLock::refresh()
{
  if (m_path.empty() || !stillHeld()) {
    return false;
  }
  m_holder.refreshed = utcTimestamp();
  try {
    writeFileAtomically(m_path, serialize(m_holder));
  } catch (const FileWriteError& error) {
    spdlog::warn("could not refresh the lock: {}", error.what());
  }
  return true;
}

void ImageLock::release()
{
  if (m_path.empty()) {
    return;
  }
  if (stillHeld()) {
    std::error_code error;
    std::filesystem::remove(m_path, error);
    if (error) {
      spdlog::warn("could not remove the lock file {}: {}", m_path.string(), error.message());
    }
  }
  m_path.clear();
}

}  // namespace spinemark::core
