#include "core/quality/annotation_files.h"

#include "core/annotation_json.h"
#include "core/workspace.h"

#include <algorithm>
#include <stdexcept>
#include <system_error>

namespace spinemark::core::quality {

namespace fs = std::filesystem;

namespace {

std::string genericText(const fs::path& path)
{
  const std::u8string text = path.generic_u8string();
  return std::string(text.begin(), text.end());
}

}  // namespace

AnnotationFolder readAnnotationFolder(const fs::path& annotationsDir)
{
  std::error_code error;
  if (!fs::is_directory(annotationsDir, error)) {
    throw std::runtime_error("annotation folder " + annotationsDir.string() +
                             " not found; annotate or import first, or pass --annotations DIR");
  }
  fs::recursive_directory_iterator it(annotationsDir, fs::directory_options::skip_permission_denied, error);
  if (error) {
    throw std::runtime_error("cannot read annotation folder " + annotationsDir.string() + ": " + error.message());
  }

  AnnotationFolder folder;
  for (; it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (error) {
      folder.errors.push_back(annotationsDir.string() + ": listing stopped: " + error.message());
      break;
    }
    const fs::path& path = it->path();
    if (genericText(path.filename()).starts_with('.')) {
      it.disable_recursion_pending();
      continue;
    }
    std::error_code typeError;
    if (path.extension() != ".json" || !it->is_regular_file(typeError)) {
      continue;
    }
    try {
      AnnotationFile file{path, {}, readAnnotationFile(path)};
      file.imagePath = file.annotation.image.relativePath;
      if (file.imagePath.empty()) {
        file.imagePath = genericText(path.lexically_relative(annotationsDir).replace_extension());
      }
      folder.files.push_back(std::move(file));
    } catch (const std::exception& readError) {
      folder.errors.push_back(readError.what());
    }
  }
  std::sort(folder.files.begin(), folder.files.end(),
            [](const AnnotationFile& a, const AnnotationFile& b) { return naturalLess(a.imagePath, b.imagePath); });
  return folder;
}

}  // namespace spinemark::core::quality
