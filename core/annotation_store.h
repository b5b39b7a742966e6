// Loading and saving one annotation file with recovery. A save first makes the current valid file
// the backup .NAME.json.bak (a hard link or copy renamed over the old backup). Then it replaces
// the file atomically, so a crash at any point leaves a valid file and a valid backup. A load that
// finds a bad file copies it aside untouched and falls back to the backup.
#pragma once

#include "core/annotation.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spinemark::core {

struct AnnotationLoad {
  // The file's annotation, the backup's when the file is bad, or nullopt when neither exists or
  // is valid (the image then starts without landmarks).
  std::optional<ImageAnnotation> annotation;
  bool fromBackup = false;
  std::filesystem::path keptCopy;     // where a bad file was copied, empty if none
  std::vector<std::string> problems;  // messages for the user, each naming the file and what to do
};

// The backup of path: ".NAME.json.bak" in the same folder (hidden, so workspace scans skip it).
std::filesystem::path annotationBackupPath(const std::filesystem::path& path);

// Reads path. A missing file gives an empty result without problems.
AnnotationLoad loadAnnotation(const std::filesystem::path& path);

// Keeps the current file as backup when it is a valid annotation, then writes content atomically.
// Throws FileWriteError when the file itself cannot be written; a failed backup is only logged.
void saveAnnotation(const std::filesystem::path& path, std::string_view content);

}  // namespace spinemark::core
