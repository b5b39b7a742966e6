// Reading every annotation file of a workspace, for training the landmark predictor.
#pragma once

#include "core/annotation.h"

#include <filesystem>
#include <string>
#include <vector>

namespace spinemark::core::assist {

struct AnnotationFolder {
  std::vector<ImageAnnotation> annotations;  // in natural order of the image paths
  std::vector<std::string> errors;           // one message per file that could not be read
};

// Reads the *.json files below annotationsDir with quality::readAnnotationFolder, which skips
// hidden entries (the model folder .spinemark, journals and temporary files of an atomic save).
// Throws std::runtime_error when annotationsDir is missing or cannot be listed.
AnnotationFolder readAnnotationFolder(const std::filesystem::path& annotationsDir);

}  // namespace spinemark::core::assist
