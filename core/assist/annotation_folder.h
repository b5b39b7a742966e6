// Reading every annotation file of a workspace, for training the landmark predictor.
#pragma once

#include "core/annotation.h"

#include <filesystem>
#include <string>
#include <vector>

namespace spinemark::core::assist {

struct AnnotationFolder {
  std::vector<ImageAnnotation> annotations;  // in path order
  std::vector<std::string> errors;           // one message per file that could not be read
};

// Reads the *.json files below annotationsDir, skipping hidden entries (the model folder
// .spinemark and temporary files of an atomic save). Throws std::runtime_error when
// annotationsDir cannot be listed.
AnnotationFolder readAnnotationFolder(const std::filesystem::path& annotationsDir);

}  // namespace spinemark::core::assist
