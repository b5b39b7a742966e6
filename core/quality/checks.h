// Automatic quality checks on one image's landmarks, cheap enough to run after every edit.
//
// Supported: missing landmarks, swapped endplates, swapped sides against the recorded
// orientation, self-intersecting outlines, overlap with a neighbour, implausible size or shape,
// labels out of sequence, duplicated or with gaps, points outside the image, and midpoints away
// from their endplate. Each finding names the vertebra and, where one is at fault, the landmark.
// NOTE: the checks assume the image is displayed head up (cranial towards y = 0), as spine
// radiographs are hung; an image shown upside down reports every vertebra's endplates as swapped.
#pragma once

#include "core/annotation.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spinemark::core::quality {

// How the GUI treats a finding: a warning is shown without blocking, and an error needs the
// annotator's confirmation before the image is marked done.
enum class Severity { Warning, Error };

std::string_view severityName(Severity severity);  // "warning", "error"

struct Finding {
  Level level = Level::L5;
  std::optional<Slot> slot;  // the landmark at fault, when one is
  Severity severity = Severity::Warning;
  std::string code;     // stable snake_case id, one of the constants in FindingCode
  std::string message;  // plain sentence that names the landmark, the measured value and the fix
};

// Stable finding codes, used in the check CSV and the KPI report.
namespace FindingCode {
inline constexpr std::string_view MissingLandmark = "missing_landmark";
inline constexpr std::string_view EndplatesSwapped = "endplates_swapped";
inline constexpr std::string_view SidesSwapped = "sides_swapped";
inline constexpr std::string_view OutlineSelfIntersecting = "outline_self_intersecting";
inline constexpr std::string_view OverlapsNeighbour = "overlaps_neighbour";
inline constexpr std::string_view DuplicateVertebra = "duplicate_vertebra";
inline constexpr std::string_view ShapeImplausible = "shape_implausible";
inline constexpr std::string_view SizeJump = "size_jump";
inline constexpr std::string_view LabelOutOfSequence = "label_out_of_sequence";
inline constexpr std::string_view LevelGap = "level_gap";
inline constexpr std::string_view PointOutsideImage = "point_outside_image";
inline constexpr std::string_view MidpointOffEndplate = "midpoint_off_endplate";
}  // namespace FindingCode

// Limits of the checks. Height is the mean of the outline's two side heights, and width the mean
// of its two endplate lengths. Both are in mm when the spacing is known and in pixels otherwise,
// which the ratios below do not depend on.
struct CheckThresholds {
  // Height/width of a vertebral body. Adult bodies measure roughly 0.5 to 0.9 in AP and lateral
  // projections, so values far outside mean a misplaced corner. Textbook estimates: lumbar bodies
  // are about 27 mm high and 45 mm wide, upper thoracic ones about 15 mm high and 25 mm wide. The lower limit
  // allows for kyphosis, which tilts upper thoracic bodies out of an AP image plane and shortens
  // their projected height (T1 bodies of the AASCE ground truth go down to about 0.2).
  double minHeightToWidth = 0.2;
  double maxHeightToWidth = 1.5;
  // Largest ratio between the heights of adjacent bodies. A severe (Genant grade 3) fracture
  // loses over 40% of the height, a ratio above 1/0.6, so only larger jumps are reported.
  double maxAdjacentHeightRatio = 2.0;
  // Largest ratio between the widths of adjacent bodies: widths grow smoothly from T1 to L5,
  // by about 5% per level, and fractures change the width little.
  double maxAdjacentWidthRatio = 1.5;
  // Shared area of two adjacent outlines, as a share of the smaller outline. Adjacent bodies
  // are separated by a disc, but endplate landmarks on a tilted body may touch its neighbour.
  double maxOverlapShare = 0.15;
  // Distance between the centres of two outlines, as a share of their mean height, below which
  // they count as the same vertebra labelled twice.
  double duplicateCentreShare = 0.5;
  // Distance of an endplate midpoint from the line through that endplate's corners, and its
  // offset along that line from the corners' mean, as shares of the endplate length. Concave
  // endplates sag by up to about 10% of their length on lateral views.
  double maxMidpointDistanceShare = 0.2;
  double maxMidpointOffsetShare = 0.25;
};

// Runs every check on one annotation. Findings come in level order, caudal to cranial.
std::vector<Finding> checkAnnotation(const ImageAnnotation& annotation, const CheckThresholds& thresholds = {});

bool hasErrors(const std::vector<Finding>& findings);

}  // namespace spinemark::core::quality
