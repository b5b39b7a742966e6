// The annotation of one image: identity of the image, orientation, and the placed landmarks.
#pragma once

#include "core/image.h"
#include "core/levels.h"

#include <array>
#include <map>
#include <optional>
#include <string>

namespace spinemark::core {

// A position in image pixel space. The origin is the top-left corner of the top-left pixel,
// +x goes right, +y goes down, and the centre of pixel (column c, row r) is (c + 0.5, r + 0.5).
struct Point {
  double x = 0.0;
  double y = 0.0;
  bool operator==(const Point&) const = default;
};

struct Vertebra {
  std::array<std::optional<Point>, SlotCount> points;

  int placedCount() const;
  bool complete() const { return placedCount() == SlotCount; }
  bool operator==(const Vertebra&) const = default;
};

// Which image an annotation belongs to. Holds no patient-identifying field.
struct ImageIdentity {
  std::string relativePath;  // relative to the workspace, '/' separated
  int width = 0;
  int height = 0;
  std::string sha256;          // hex digest of the file's bytes
  std::string sopInstanceUid;  // DICOM only
  PixelSpacing spacing;

  bool operator==(const ImageIdentity&) const = default;
};

struct ImageAnnotation {
  ImageIdentity image;
  Orientation orientation;
  std::map<Level, Vertebra> vertebrae;  // only levels with at least one point
  std::string annotator;                // user who last changed the file
  std::string created;                  // ISO 8601 UTC, e.g. 2026-12-04T20:31:07Z
  std::string modified;

  bool operator==(const ImageAnnotation&) const = default;
};

// Returns the current time as ISO 8601 UTC with seconds.
std::string utcTimestamp();

}  // namespace spinemark::core
