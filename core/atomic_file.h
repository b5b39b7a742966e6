// Crash-safe file replacement: temporary file in the target's folder, fsync, rename, fsync of
// the folder. Either the old or the new content survives a crash or power loss.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace spinemark::core {

class FileWriteError : public std::runtime_error {
 public:
  FileWriteError(const std::filesystem::path& path, const std::string& reason);
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

// Creates missing parent folders. Throws FileWriteError and leaves the previous file intact.
void writeFileAtomically(const std::filesystem::path& path, std::string_view content);

}  // namespace spinemark::core
