#include "core/quality/corners_import.h"

#include "core/annotation_json.h"
#include "core/assist/corners_csv.h"
#include "core/atomic_file.h"
#include "core/file_hash.h"
#include "core/image.h"
#include "core/workflow.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

namespace spinemark::core::quality {

namespace fs = std::filesystem;

namespace {

// Records the importing user as the author of every point and marks the image done, with one
// history entry, so imported ground truth enters the review queue like finished work.
void stampImport(ImageAnnotation& annotation, const std::string& user, const std::string& now)
{
  annotation.orientation = Orientation{};
  for (auto& [level, vertebra] : annotation.vertebrae) {
    for (int i = 0; i < SlotCount; ++i) {
      if (vertebra.points[static_cast<std::size_t>(i)]) {
        vertebra.authors[static_cast<std::size_t>(i)].by = user;
      }
    }
  }
  const ActionResult done = markDone(annotation.workflow, Actor{user, Role::Annotator}, now);
  if (!done) {
    throw std::logic_error("marking an imported image done failed: " + done.error);
  }
  HistoryEntry entry;
  entry.time = now;
  entry.user = user;
  entry.action = HistoryAction::Workflow;
  entry.detail = std::string(workflowStateName(annotation.workflow.state));
  annotation.history.push_back(entry);
  annotation.annotator = user;
  annotation.created = now;
  annotation.modified = now;
}

}  // namespace

void applyImageIdentity(ImageAnnotation& annotation, const fs::path& imageFile)
{
  const Image image = loadImage(imageFile);
  ImageIdentity& identity = annotation.image;
  if (identity.width != 0 && (identity.width != image.width || identity.height != image.height)) {
    throw std::runtime_error("the CSV gives " + std::to_string(identity.width) + "x" +
                             std::to_string(identity.height) + " px but " + imageFile.string() + " is " +
                             std::to_string(image.width) + "x" + std::to_string(image.height) +
                             " px; check that the CSV belongs to these images");
  }
  identity.width = image.width;
  identity.height = image.height;
  identity.spacing = image.spacing;
  identity.sopInstanceUid = image.sopInstanceUid;
  identity.sha256 = sha256File(imageFile);
}

CornersImportReport importCorners(const CornersImportOptions& options)
{
  const fs::path annotationsDir =
      options.annotationsDir.empty() ? options.imagesDir / "annotations" : options.annotationsDir;
  std::vector<ImageAnnotation> annotations = assist::readCornersCsv(options.cornersCsv);

  CornersImportReport report;
  report.imagesInCsv = static_cast<int>(annotations.size());
  const std::string now = utcTimestamp();
  for (ImageAnnotation& annotation : annotations) {
    const std::string name = annotation.image.relativePath;
    const fs::path relative(name);
    if (relative.is_absolute() || std::find(relative.begin(), relative.end(), "..") != relative.end()) {
      report.skipped.push_back(name + ": image names must be relative to --images and must not contain '..'");
      continue;
    }
    const fs::path target = annotationsDir / fs::path(name + ".json");
    if (!options.overwrite && fs::exists(target)) {
      report.skipped.push_back(name + ": " + target.string() + " exists; pass --overwrite to replace it");
      continue;
    }
    try {
      applyImageIdentity(annotation, options.imagesDir / fs::path(name));
    } catch (const std::exception& error) {
      report.skipped.push_back(name + ": " + error.what());
      continue;
    }
    stampImport(annotation, options.user, now);
    writeFileAtomically(target, toJson(annotation));
    ++report.filesWritten;
  }
  spdlog::info("imported {} of {} images from {} into {}", report.filesWritten, report.imagesInCsv,
               options.cornersCsv.string(), annotationsDir.string());
  return report;
}

}  // namespace spinemark::core::quality
