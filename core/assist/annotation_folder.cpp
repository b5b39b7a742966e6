#include "core/assist/annotation_folder.h"

#include "core/annotation_json.h"

#include <algorithm>
#include <stdexcept>
#include <system_error>

namespace spinemark::core::assist {

namespace fs = std::filesystem;

AnnotationFolder readAnnotationFolder(const fs::path& annotationsDir)
{
  std::error_code error;
  fs::recursive_directory_iterator it(annotationsDir, error);
  if (error) {
    throw std::runtime_error("cannot read annotation folder " + annotationsDir.string() + ": " + error.message());
  }
  std::vector<fs::path> files;
  for (; it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (error) {
      throw std::runtime_error("cannot read annotation folder " + annotationsDir.string() + ": " +
                               error.message());
    }
    const fs::path& path = it->path();
    if (path.filename().string().starts_with('.')) {
      it.disable_recursion_pending();
      continue;
    }
    std::error_code typeError;
    if (path.extension() == ".json" && it->is_regular_file(typeError)) {
      files.push_back(path);
    }
  }
  std::sort(files.begin(), files.end());

  AnnotationFolder folder;
  for (const fs::path& file : files) {
    try {
      folder.annotations.push_back(readAnnotationFile(file));
    } catch (const AnnotationFormatError& formatError) {
      folder.errors.emplace_back(formatError.what());
    }
  }
  return folder;
}

}  // namespace spinemark::core::assist
