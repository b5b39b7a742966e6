#include "core/annotation_store.h"

#include "core/annotation_json.h"
#include "core/atomic_file.h"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <system_error>

namespace spinemark::core {
namespace {

// Copies a bad file next to itself under a new name, so that saving the image again cannot
// destroy what it contained. Never overwrites an earlier copy. Returns the copy, or empty.
std::filesystem::path keepBadCopy(const std::filesystem::path& path)
{
  std::string stamp = utcTimestamp();
  for (char& c : stamp) {
    if (c == ':') {
      c = '-';
    }
  }
  for (int attempt = 1; attempt <= 100; ++attempt) {
    auto copy = path;
    copy += ".invalid-" + stamp + (attempt == 1 ? "" : "-" + std::to_string(attempt));
    std::error_code error;
    if (std::filesystem::copy_file(path, copy, std::filesystem::copy_options::none, error)) {
      return copy;
    }
    if (error != std::errc::file_exists) {
      spdlog::error("could not copy the invalid annotation file {} to {}: {}", path.string(), copy.string(),
                    error.message());
      return {};
    }
  }
  return {};
}

bool validAnnotationFile(const std::filesystem::path& path)
{
  try {
    readAnnotationFile(path);
    return true;
  } catch (const AnnotationFormatError&) {
    return false;
  }
}

// Makes a rename or link in folder durable.
void syncFolder(const std::filesystem::path& folder)
{
  int descriptor = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (descriptor >= 0) {
    ::fsync(descriptor);
    ::close(descriptor);
  }
}

// Replaces the backup with the current file in one rename: a hard link when the file system has
// them (no data is copied), otherwise a full copy that is flushed before the rename.
void refreshBackup(const std::filesystem::path& path)
{
  static std::atomic<unsigned> s_counter{0};
  const auto backup = annotationBackupPath(path);
  auto staging = path.parent_path() /
                 ("." + path.filename().string() + ".bak-" + std::to_string(::getpid()) + "-" +
                  std::to_string(s_counter++));
  std::error_code error;
  std::filesystem::create_hard_link(path, staging, error);
  if (error) {
    std::filesystem::remove(staging, error);
    std::filesystem::copy_file(path, staging, error);
    if (!error) {
      int descriptor = ::open(staging.c_str(), O_RDONLY | O_CLOEXEC);
      if (descriptor >= 0) {
        ::fsync(descriptor);
        ::close(descriptor);
      }
    }
  }
  if (!error) {
    std::filesystem::rename(staging, backup, error);
  }
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(staging, ignored);
    spdlog::warn("could not keep a backup of {} as {}: {}; saving without one", path.string(), backup.string(),
                 error.message());
    return;
  }
  syncFolder(path.parent_path());
}

}  // namespace

std::filesystem::path annotationBackupPath(const std::filesystem::path& path)
{
  return path.parent_path() / ("." + path.filename().string() + ".bak");
}

AnnotationLoad loadAnnotation(const std::filesystem::path& path)
{
  AnnotationLoad result;
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    return result;
  }
  try {
    result.annotation = readAnnotationFile(path);
    return result;
  } catch (const AnnotationFormatError& problem) {
    result.keptCopy = keepBadCopy(path);
    std::string text = problem.what();
    text += result.keptCopy.empty()
                ? ". Could not copy it aside: move it away yourself before editing this image, or the next save "
                  "replaces it."
                : ". The file was kept unchanged as " + result.keptCopy.filename().string() + ".";
    result.problems.push_back(std::move(text));
  }

  const auto backup = annotationBackupPath(path);
  if (!std::filesystem::exists(backup, error)) {
    result.problems.push_back("No backup of " + path.filename().string() +
                              " exists; the image opens without landmarks.");
    return result;
  }
  try {
    result.annotation = readAnnotationFile(backup);
    result.fromBackup = true;
    result.problems.push_back("Opened the last valid version of " + path.filename().string() + " from its backup " +
                              backup.filename().string() + " (last changed " + result.annotation->modified +
                              "); check the latest edits before going on.");
  } catch (const AnnotationFormatError& problem) {
    result.problems.push_back(std::string(problem.what()) + ". The image opens without landmarks.");
  }
  return result;
}

void saveAnnotation(const std::filesystem::path& path, std::string_view content)
{
  std::error_code error;
  // Only a valid file becomes the backup: a bad one was copied aside when it was loaded, and it
  // must not replace the last good version.
  if (std::filesystem::exists(path, error) && validAnnotationFile(path)) {
    refreshBackup(path);
  }
  writeFileAtomically(path, content);
}

}  // namespace spinemark::core
