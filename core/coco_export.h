// Export of a workspace's landmarks in the COCO keypoint format, for training keypoint detectors.
#pragma once

#include <array>
#include <filesystem>
#include <ostream>

#include "core/csv_export.h"

namespace spinemark::core {

// Writes one COCO keypoint JSON document for every annotation file under annotationsDir:
// - "images": one entry per annotation file (id from 1 in natural path order, "file_name" the
//   image path relative to the workspace, "width" and "height" in pixels);
// - "categories": one per vertebra level (id = position in L6, L5, ..., T1 plus 1, name "L5"),
//   each with the same six keypoints named by image side and a skeleton outlining the body;
// - "annotations": one per vertebra with at least one landmark. "keypoints" lists x, y, v per
//   keypoint, v = 2 for a placed landmark and 0 (with x = y = 0) for one not placed; "bbox" is
//   the bounding box of the placed landmarks, "area" its area.
// Coordinates are in the annotation files' convention, which is COCO's: the origin is the top-left
// corner of the top-left pixel. Vertebrae marked not visible or not assessable have no landmarks
// and are left out. Unreadable files are listed in errors and skipped; rowsWritten counts the
// annotations written. Throws std::runtime_error when annotationsDir is not a readable folder or
// writing fails.
ExportReport exportCocoKeypoints(const std::filesystem::path& annotationsDir, std::ostream& out);

// Keypoint names in slot order, as the COCO categories list them.
inline constexpr std::array<const char*, 6> CocoKeypointNames = {
    "superior_image_left", "superior_middle", "superior_image_right",
    "inferior_image_left", "inferior_middle", "inferior_image_right"};

}  // namespace spinemark::core
