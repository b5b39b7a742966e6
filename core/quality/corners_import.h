// Import of vertebra-corner ground truth (the AASCE "image,width,height,vertebra,corner,x,y"
// CSV, read by core::assist::readCornersCsv) into one annotation file per image, so that
// ground truth can be checked, measured and reviewed like any annotation.
#pragma once

#include "core/annotation.h"

#include <filesystem>
#include <string>
#include <vector>

namespace spinemark::core::quality {

struct CornersImportOptions {
  std::filesystem::path cornersCsv;
  std::filesystem::path imagesDir;       // the workspace: CSV image names are relative to it
  std::filesystem::path annotationsDir;  // empty means imagesDir / "annotations"
  std::string user;                      // recorded as the annotator
  bool overwrite = false;                // replace existing annotation files
};

struct CornersImportReport {
  int imagesInCsv = 0;
  int filesWritten = 0;
  std::vector<std::string> skipped;  // one message per image not imported, with the reason
};

// Sets the identity of an imported annotation from the decoded image and its file: size,
// spacing, SOP Instance UID and SHA-256. Throws std::runtime_error when the CSV states another
// size than the image has, naming both sizes.
void applyImageIdentity(ImageAnnotation& annotation, const std::filesystem::path& imageFile);

// Reads the CSV, then for every image decodes it with core::loadImage, fills its identity,
// records the user as the author of every point, marks the image done (one history entry), and
// writes <annotationsDir>/<image>.json atomically. The orientation is spinemark's default (AP,
// patient's right on the image left), and each endplate midpoint is the mean of its two corners.
// Images that are missing, unreadable, of another size or already annotated (without overwrite)
// are skipped and listed. Throws assist::CornersCsvError for an invalid CSV and FileWriteError
// when a file cannot be written.
CornersImportReport importCorners(const CornersImportOptions& options);

}  // namespace spinemark::core::quality
