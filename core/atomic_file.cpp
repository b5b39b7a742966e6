#include "core/atomic_file.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

// NOTE: POSIX only (open, fsync, rename). A Windows port needs ReplaceFileW or MoveFileExW with
// MOVEFILE_WRITE_THROUGH instead.

namespace spinemark::core {

namespace {

std::atomic<unsigned> s_tempCounter{0};

// A failed step inside writeFileAtomically. The caller turns it into FileWriteError for the target
// path, so every message names the file the user asked to save.
struct StepError {
  std::string reason;
};

StepError stepError(const std::string& step, int error)
{
  return StepError{step + " failed: " + std::strerror(error)};
}

// Owns a file descriptor and closes it once.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : m_fd(fd) {}
  ~FileDescriptor()
  {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return m_fd; }
  // Closes now so that the error close() reports (deferred write errors on NFS) is seen.
  int close()
  {
    int result = ::close(m_fd);
    m_fd = -1;
    return result;
  }

 private:
  int m_fd;
};

std::filesystem::path makeTempPath(const std::filesystem::path& path)
{
  std::string name = "." + path.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                     std::to_string(s_tempCounter++);
  return path.parent_path() / name;
}

void writeAll(int fd, std::string_view content, const std::filesystem::path& tempPath)
{
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t written = ::write(fd, content.data() + done, content.size() - done);
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw stepError("write to " + tempPath.filename().string(), errno);
    }
    done += static_cast<std::size_t>(written);
  }
}

void writeAndSyncTemp(const std::filesystem::path& tempPath, std::string_view content)
{
  FileDescriptor file(::open(tempPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (file.get() < 0) {
    throw stepError("creating the temporary file " + tempPath.filename().string(), errno);
  }
  writeAll(file.get(), content, tempPath);
  if (::fsync(file.get()) != 0) {
    throw stepError("fsync of " + tempPath.filename().string(), errno);
  }
  if (file.close() != 0) {
    throw stepError("close of " + tempPath.filename().string(), errno);
  }
}

// Makes the rename itself durable: the directory entry lives in the folder, not in the file.
void syncFolder(const std::filesystem::path& folder)
{
  FileDescriptor dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) {
    throw stepError("opening the folder for fsync", errno);
  }
  if (::fsync(dir.get()) != 0) {
    throw stepError("fsync of the folder", errno);
  }
}

void createParentFolders(const std::filesystem::path& folder, const std::filesystem::path& path)
{
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) {
    throw FileWriteError(path, "creating the folder " + folder.string() + " failed: " + error.message());
  }
}

}  // namespace

FileWriteError::FileWriteError(const std::filesystem::path& path, const std::string& reason)
    : std::runtime_error("Could not save " + path.string() + ": " + reason +
                         ". Check free space and permissions of the folder, then save again."),
      m_path(path)
{
}

void writeFileAtomically(const std::filesystem::path& path, std::string_view content)
{
  std::filesystem::path target = path.has_parent_path() ? path : std::filesystem::path(".") / path;
  std::filesystem::path folder = target.parent_path();
  createParentFolders(folder, path);

  std::filesystem::path tempPath = makeTempPath(target);
  try {
    writeAndSyncTemp(tempPath, content);
    if (::rename(tempPath.c_str(), target.c_str()) != 0) {
      throw stepError("renaming " + tempPath.filename().string() + " over it", errno);
    }
  } catch (const StepError& error) {
    ::unlink(tempPath.c_str());
    throw FileWriteError(path, error.reason);
  }

  // The new content is in place once rename succeeded. A failed folder fsync only means the rename
  // might not survive a power loss, which the caller still has to hear about.
  try {
    syncFolder(folder);
  } catch (const StepError& error) {
    throw FileWriteError(path, error.reason);
  }
}

}  // namespace spinemark::core
