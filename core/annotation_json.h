// Reading and writing annotation files (format: docs/annotation-format.md).
#pragma once

#include "core/annotation.h"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace spinemark::core {

// Version written by toJson. Versions 1 and 2 are read.
inline constexpr int AnnotationSchemaVersion = 2;

// Serializes to the documented JSON. Numbers use std::to_chars: locale-independent and
// round-trip exact.
std::string toJson(const ImageAnnotation& annotation);

// Raised for a file that is not a valid annotation. what() names the file and the problem.
class AnnotationFormatError : public std::runtime_error {
 public:
  AnnotationFormatError(const std::filesystem::path& path, const std::string& problem);
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

// Parses JSON text; path only labels errors. Throws AnnotationFormatError.
ImageAnnotation parseAnnotation(std::string_view json, const std::filesystem::path& path);
// Reads and parses a file. Throws AnnotationFormatError (also for unreadable files).
ImageAnnotation readAnnotationFile(const std::filesystem::path& path);

}  // namespace spinemark::core
