#include "core/assist/annotation_folder.h"

#include "core/quality/annotation_files.h"

namespace spinemark::core::assist {

AnnotationFolder readAnnotationFolder(const std::filesystem::path& annotationsDir)
{
  quality::AnnotationFolder read = quality::readAnnotationFolder(annotationsDir);
  AnnotationFolder folder;
  folder.errors = std::move(read.errors);
  folder.annotations.reserve(read.files.size());
  for (auto& file : read.files) {
    folder.annotations.push_back(std::move(file.annotation));
  }
  return folder;
}

}  // namespace spinemark::core::assist
