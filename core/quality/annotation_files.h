// Reading every annotation file of a workspace, for the batch tools (check, morphometry
// export, KPI report).
#pragma once

#include "core/annotation.h"

#include <filesystem>
#include <string>
#include <vector>

namespace spinemark::core::quality {

struct AnnotationFile {
  std::filesystem::path path;
  std::string imagePath;  // the image path recorded in the file, else the file's path without ".json"
  ImageAnnotation annotation;
};

struct AnnotationFolder {
  std::vector<AnnotationFile> files;  // in natural order of imagePath
  std::vector<std::string> errors;    // one message per file or folder that could not be read
};

// Reads every "*.json" below annotationsDir, skipping hidden entries (which include the
// temporary files of an interrupted atomic save). Throws std::runtime_error when annotationsDir
// is not a readable folder.
AnnotationFolder readAnnotationFolder(const std::filesystem::path& annotationsDir);

}  // namespace spinemark::core::quality
