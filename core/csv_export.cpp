// Landmark CSV export. Rows end with "\n" (not the CRLF of RFC 4180), which every common CSV
// reader accepts. Numbers are printed with std::to_chars, so the output does not depend on the
// locale and parses back to the same double.
#include "core/csv_export.h"

#include "core/annotation_json.h"
#include "core/levels.h"
#include "core/workspace.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <system_error>

namespace spinemark::core {

namespace fs = std::filesystem;

namespace {

struct AnnotationFile {
  fs::path path;
  std::string imagePath;  // image column of the CSV
  ImageAnnotation annotation;
};

std::string toUtf8(const fs::path& path)
{
  const std::u8string text = path.generic_u8string();
  return std::string(text.begin(), text.end());
}

// Finds the annotation files below annotationsDir. Hidden entries are ignored, which includes
// the ".name.tmp" files of an interrupted atomic save. Folders that cannot be listed are added
// to errors.
std::vector<fs::path> findAnnotationFiles(const fs::path& annotationsDir, std::vector<std::string>& errors)
{
  std::vector<fs::path> files;
  std::error_code error;
  fs::recursive_directory_iterator it(annotationsDir, error);
  if (error) {
    throw std::runtime_error("Cannot export " + toUtf8(annotationsDir) + ": " + error.message());
  }
  while (it != fs::recursive_directory_iterator()) {
    const fs::directory_entry entry = *it;
    const std::string name = toUtf8(entry.path().filename());
    std::error_code entryError;
    if (name.starts_with('.')) {
      it.disable_recursion_pending();
    } else if (entry.is_directory(entryError)) {
      fs::directory_iterator probe(entry.path(), entryError);
      if (entryError) {
        errors.push_back(toUtf8(entry.path()) + ": cannot read folder: " + entryError.message());
        it.disable_recursion_pending();
      }
    } else if (entry.path().extension() == ".json" && entry.is_regular_file(entryError)) {
      files.push_back(entry.path());
    }
    it.increment(error);
    if (error) {
      errors.push_back(toUtf8(entry.path()) + ": listing stopped after this entry: " + error.message());
      break;
    }
  }
  return files;
}

// The image path recorded in the annotation, or the annotation file's own path below
// annotationsDir without ".json" when the record has none.
std::string imagePathOf(const ImageAnnotation& annotation, const fs::path& file, const fs::path& annotationsDir)
{
  if (!annotation.image.relativePath.empty()) return annotation.image.relativePath;
  fs::path relative = file.lexically_relative(annotationsDir);
  relative.replace_extension();
  return toUtf8(relative);
}

void writeRows(const AnnotationFile& file, std::ostream& out, int& rowsWritten)
{
  const std::string image = csvField(file.imagePath);
  for (const auto& [level, vertebra] : file.annotation.vertebrae) {
    const std::string vertebraField = csvField(std::string(levelName(level)));
    for (int slotIndex = 0; slotIndex < SlotCount; ++slotIndex) {
      const std::optional<Point>& point = vertebra.points[static_cast<std::size_t>(slotIndex)];
      if (!point) continue;
      const auto slot = static_cast<Slot>(slotIndex);
      out << image << ',' << vertebraField << ',' << csvField(landmarkName(slot, file.annotation.orientation))
          << ',' << csvNumber(point->x) << ',' << csvNumber(point->y) << '\n';
      ++rowsWritten;
    }
  }
}

}  // namespace

std::string csvField(const std::string& value)
{
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string csvNumber(double value)
{
  char buffer[32];  // the shortest form of any double has at most 24 characters
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (error != std::errc()) throw std::logic_error("std::to_chars failed to format a double");
  return std::string(buffer, end);
}

ExportReport exportLandmarksCsv(const fs::path& annotationsDir, std::ostream& out)
{
  std::error_code error;
  if (!fs::is_directory(annotationsDir, error)) {
    throw std::runtime_error("Cannot export " + toUtf8(annotationsDir) + ": the annotations folder does not exist");
  }

  ExportReport report;
  std::vector<AnnotationFile> files;
  for (const fs::path& path : findAnnotationFiles(annotationsDir, report.errors)) {
    try {
      ImageAnnotation annotation = readAnnotationFile(path);
      std::string imagePath = imagePathOf(annotation, path, annotationsDir);
      files.push_back({path, std::move(imagePath), std::move(annotation)});
      ++report.filesRead;
    } catch (const AnnotationFormatError& formatError) {
      report.errors.push_back(formatError.what());
    }
  }
  std::sort(files.begin(), files.end(), [](const AnnotationFile& a, const AnnotationFile& b) {
    if (a.imagePath != b.imagePath) return naturalLess(a.imagePath, b.imagePath);
    return naturalLess(toUtf8(a.path), toUtf8(b.path));
  });

  out << "image,vertebra,landmark,x,y\n";
  for (const AnnotationFile& file : files) writeRows(file, out, report.rowsWritten);
  out.flush();
  if (!out) {
    throw std::runtime_error("Cannot export " + toUtf8(annotationsDir) + ": writing the CSV output failed");
  }

  spdlog::info("Exported {} landmark rows from {} annotation files in {} ({} files skipped)", report.rowsWritten,
               report.filesRead, annotationsDir.string(), report.errors.size());
  for (const std::string& message : report.errors) spdlog::warn("Annotation file skipped in export: {}", message);
  return report;
}

}  // namespace spinemark::core
