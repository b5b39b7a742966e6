#include "core/quality/checks.h"

#include "core/quality/geometry.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace spinemark::core::quality {

namespace {

constexpr std::array<Slot, 4> CornerSlots = {Slot::SuperiorFirst, Slot::SuperiorSecond, Slot::InferiorSecond,
                                             Slot::InferiorFirst};  // outline order around the body

std::optional<Point> pointOf(const Vertebra& vertebra, Slot slot)
{
  return vertebra.points[static_cast<std::size_t>(slot)];
}

// The corners' outline of a vertebral body with the measures the neighbour checks compare.
struct Outline {
  std::vector<Point> corners;  // in CornerSlots order
  Point centre;
  Point cranialAxis;  // from the inferior endplate's centre to the superior endplate's, in pixels
  double height = 0.0;  // mean side height, mm when the spacing is known, else px
  double width = 0.0;   // mean endplate length, same unit
  bool simple = false;  // convex and not self-intersecting, so areas can be clipped
};

bool isConvex(const std::vector<Point>& polygon)
{
  int sign = 0;
  for (std::size_t i = 0; i < polygon.size(); ++i) {
    const Point a = polygon[i];
    const Point b = polygon[(i + 1) % polygon.size()];
    const Point c = polygon[(i + 2) % polygon.size()];
    const double turn = cross(b - a, c - b);
    const int turnSign = (turn > 0.0) - (turn < 0.0);
    if (turnSign != 0 && sign != 0 && turnSign != sign) {
      return false;
    }
    sign = turnSign != 0 ? turnSign : sign;
  }
  return true;
}

std::optional<Outline> outlineOf(const Vertebra& vertebra, const PixelSpacing& spacing)
{
  Outline outline;
  for (Slot slot : CornerSlots) {
    const auto point = pointOf(vertebra, slot);
    if (!point) {
      return std::nullopt;
    }
    outline.corners.push_back(*point);
  }
  const Point& superiorFirst = outline.corners[0];
  const Point& superiorSecond = outline.corners[1];
  const Point& inferiorSecond = outline.corners[2];
  const Point& inferiorFirst = outline.corners[3];
  outline.centre = midpoint(midpoint(superiorFirst, superiorSecond), midpoint(inferiorFirst, inferiorSecond));
  outline.cranialAxis = midpoint(superiorFirst, superiorSecond) - midpoint(inferiorFirst, inferiorSecond);
  outline.height = (physicalDistance(superiorFirst, inferiorFirst, spacing) +
                    physicalDistance(superiorSecond, inferiorSecond, spacing)) / 2.0;
  outline.width = (physicalDistance(superiorFirst, superiorSecond, spacing) +
                   physicalDistance(inferiorFirst, inferiorSecond, spacing)) / 2.0;
  outline.simple = !selfIntersects(outline.corners) && isConvex(outline.corners);
  return outline;
}

// The centre of the placed points, for the sequence check on incomplete vertebrae.
std::optional<Point> centreOfPlaced(const Vertebra& vertebra)
{
  Point sum;
  int count = 0;
  for (const auto& point : vertebra.points) {
    if (point) {
      sum = sum + *point;
      ++count;
    }
  }
  if (count == 0) {
    return std::nullopt;
  }
  return sum * (1.0 / count);
}

std::string describeOrientation(const Orientation& orientation)
{
  if (orientation.view == View::Lateral) {
    return orientation.firstSideIsRightOrAnterior ? "lateral, anterior on the image left"
                                                  : "lateral, anterior on the image right";
  }
  return fmt::format("{}, patient's right on the image {}", viewName(orientation.view),
                     orientation.firstSideIsRightOrAnterior ? "left" : "right");
}

class Checker {
 public:
  Checker(const ImageAnnotation& annotation, const CheckThresholds& thresholds)
      : m_annotation(annotation), m_thresholds(thresholds)
  {
  }

  std::vector<Finding> run()
  {
    // Vertebrae marked not visible or not assessable have no points to check. They still fill
    // their place in the sequence, so they never count as gaps.
    std::vector<Level> withPoints;
    for (const auto& [level, vertebra] : m_annotation.vertebrae) {
      if (vertebra.skipped()) {
        continue;
      }
      withPoints.push_back(level);
      checkMissing(level, vertebra);
      checkOutsideImage(level, vertebra);
      checkEndplateOrder(level, vertebra);
      checkSides(level, vertebra);
      checkOutlineAndShape(level, vertebra);
      checkMidpoint(level, vertebra, Slot::SuperiorFirst, Slot::SuperiorMiddle, Slot::SuperiorSecond);
      checkMidpoint(level, vertebra, Slot::InferiorFirst, Slot::InferiorMiddle, Slot::InferiorSecond);
    }
    checkGaps();
    // Level order is anatomical order from caudal to cranial, so consecutive entries are the
    // nearest annotated neighbours.
    for (std::size_t i = 0; i + 1 < withPoints.size(); ++i) {
      checkNeighbours(withPoints[i], withPoints[i + 1]);
    }
    std::stable_sort(m_findings.begin(), m_findings.end(),
                     [](const Finding& a, const Finding& b) { return a.level < b.level; });
    return std::move(m_findings);
  }

 private:
  std::string name(Slot slot) const { return landmarkName(slot, m_annotation.orientation); }

  void add(Level level, std::optional<Slot> slot, Severity severity, std::string_view code, std::string message)
  {
    m_findings.push_back({level, slot, severity, std::string(code), std::move(message)});
  }

  void checkMissing(Level level, const Vertebra& vertebra)
  {
    for (int i = 0; i < SlotCount; ++i) {
      const auto slot = static_cast<Slot>(i);
      if (!pointOf(vertebra, slot)) {
        add(level, slot, Severity::Error, FindingCode::MissingLandmark,
            fmt::format("{} {} is not placed; place it, or delete the vertebra's other landmarks if the "
                        "vertebra cannot be seen",
                        levelName(level), name(slot)));
      }
    }
  }

  void checkOutsideImage(Level level, const Vertebra& vertebra)
  {
    const int width = m_annotation.image.width;
    const int height = m_annotation.image.height;
    if (width <= 0 || height <= 0) {
      return;  // image size unknown
    }
    for (int i = 0; i < SlotCount; ++i) {
      const auto slot = static_cast<Slot>(i);
      const auto point = pointOf(vertebra, slot);
      if (point && (point->x < 0.0 || point->y < 0.0 || point->x > width || point->y > height)) {
        add(level, slot, Severity::Error, FindingCode::PointOutsideImage,
            fmt::format("{} {} at ({:.1f}, {:.1f}) lies outside the {} x {} px image; move it onto the image",
                        levelName(level), name(slot), point->x, point->y, width, height));
      }
    }
  }

  // Compares the mean heights (image y) of the placed points of each endplate.
  void checkEndplateOrder(Level level, const Vertebra& vertebra)
  {
    double superiorY = 0.0;
    double inferiorY = 0.0;
    int superiorCount = 0;
    int inferiorCount = 0;
    for (int i = 0; i < SlotCount; ++i) {
      const auto point = vertebra.points[static_cast<std::size_t>(i)];
      if (!point) {
        continue;
      }
      const bool superior = i < SlotCount / 2;
      (superior ? superiorY : inferiorY) += point->y;
      ++(superior ? superiorCount : inferiorCount);
    }
    if (superiorCount == 0 || inferiorCount == 0) {
      return;
    }
    const double gap = superiorY / superiorCount - inferiorY / inferiorCount;
    if (gap >= 0.0) {
      add(level, std::nullopt, Severity::Error, FindingCode::EndplatesSwapped,
          fmt::format("{}: the superior endplate points lie {:.1f} px below the inferior ones; superior_* points "
                      "belong on the upper (cranial) endplate, so swap the two endplates",
                      levelName(level), gap));
    }
  }

  void checkSides(Level level, const Vertebra& vertebra)
  {
    for (const auto& [first, second] : {std::pair{Slot::SuperiorFirst, Slot::SuperiorSecond},
                                        std::pair{Slot::InferiorFirst, Slot::InferiorSecond}}) {
      const auto firstPoint = pointOf(vertebra, first);
      const auto secondPoint = pointOf(vertebra, second);
      if (firstPoint && secondPoint && firstPoint->x >= secondPoint->x) {
        add(level, first, Severity::Error, FindingCode::SidesSwapped,
            fmt::format("{} {} lies {:.1f} px to the image right of {}, but the recorded orientation ({}) puts it "
                        "on the image left; swap the two points or change the orientation",
                        levelName(level), name(first), firstPoint->x - secondPoint->x, name(second),
                        describeOrientation(m_annotation.orientation)));
      }
    }
  }

  void checkOutlineAndShape(Level level, const Vertebra& vertebra)
  {
    const auto outline = outlineOf(vertebra, m_annotation.image.spacing);
    if (!outline) {
      return;
    }
    if (selfIntersects(outline->corners)) {
      add(level, std::nullopt, Severity::Error, FindingCode::OutlineSelfIntersecting,
          fmt::format("{}: the outline through the four corners crosses itself, so a corner sits on the wrong "
                      "endplate or side; check the order of the corners",
                      levelName(level)));
      return;  // height and width of a crossed outline mean nothing
    }
    const double ratio = outline->width > 0.0 ? outline->height / outline->width : 0.0;
    if (ratio < m_thresholds.minHeightToWidth || ratio > m_thresholds.maxHeightToWidth) {
      add(level, std::nullopt, Severity::Warning, FindingCode::ShapeImplausible,
          fmt::format("{}: height/width of the body is {:.2f}, outside {:.2f} to {:.2f} expected for a vertebral "
                      "body; check its corners",
                      levelName(level), ratio, m_thresholds.minHeightToWidth, m_thresholds.maxHeightToWidth));
    }
  }

  void checkMidpoint(Level level, const Vertebra& vertebra, Slot firstSlot, Slot middleSlot, Slot secondSlot)
  {
    const auto first = pointOf(vertebra, firstSlot);
    const auto middle = pointOf(vertebra, middleSlot);
    const auto second = pointOf(vertebra, secondSlot);
    if (!first || !middle || !second) {
      return;
    }
    const Point endplate = *second - *first;
    const double endplateLength = length(endplate);
    if (endplateLength <= 0.0) {
      return;  // coincident corners are reported as swapped sides
    }
    const double distance = std::abs(cross(endplate, *middle - *first)) / endplateLength;
    const double offset = std::abs(dot(endplate, *middle - midpoint(*first, *second))) / endplateLength;
    const double distanceShare = distance / endplateLength;
    const double offsetShare = offset / endplateLength;
    if (distanceShare > m_thresholds.maxMidpointDistanceShare) {
      add(level, middleSlot, Severity::Warning, FindingCode::MidpointOffEndplate,
          fmt::format("{} {} lies {:.1f} px ({:.0f}% of the endplate length) from the line through {} and {}; "
                      "move it onto the endplate",
                      levelName(level), name(middleSlot), distance, distanceShare * 100.0, name(firstSlot),
                      name(secondSlot)));
    } else if (offsetShare > m_thresholds.maxMidpointOffsetShare) {
      add(level, middleSlot, Severity::Warning, FindingCode::MidpointOffEndplate,
          fmt::format("{} {} lies {:.1f} px ({:.0f}% of the endplate length) from the middle between {} and {}; "
                      "move it to the middle of the endplate",
                      levelName(level), name(middleSlot), offset, offsetShare * 100.0, name(firstSlot),
                      name(secondSlot)));
    }
  }

  // Reports the levels of the image's sequence (standard levels plus enabled variants) that lie
  // between the lowest and the highest annotated vertebra but have neither points nor a status.
  void checkGaps()
  {
    const std::map<Level, Vertebra>& vertebrae = m_annotation.vertebrae;
    if (vertebrae.empty()) {
      return;
    }
    const Level lowest = vertebrae.begin()->first;
    const Level highest = vertebrae.rbegin()->first;
    std::optional<Level> below;
    for (Level level : annotationSequence(m_annotation)) {
      if (level <= lowest) {
        below = level;
        continue;
      }
      if (level >= highest) {
        break;
      }
      if (vertebrae.contains(level)) {
        below = level;
        continue;
      }
      add(level, std::nullopt, Severity::Error, FindingCode::LevelGap,
          fmt::format("{} has no landmarks between {} and {}; annotate it, mark it as not visible or not "
                      "assessable, or check the labels if the vertebrae were counted wrong",
                      levelName(level), levelName(below.value_or(lowest)), levelName(nextAnnotatedAbove(level))));
    }
  }

  Level nextAnnotatedAbove(Level level) const
  {
    const auto above = m_annotation.vertebrae.upper_bound(level);
    return above != m_annotation.vertebrae.end() ? above->first : level;
  }

  // True when no level of the image's sequence lies between the two.
  bool adjacentInSequence(Level lower, Level upper) const
  {
    const std::vector<Level> sequence = annotationSequence(m_annotation);
    const auto lowerAt = std::find(sequence.begin(), sequence.end(), lower);
    return lowerAt != sequence.end() && std::next(lowerAt) != sequence.end() && *std::next(lowerAt) == upper;
  }

  void checkNeighbours(Level lowerLevel, Level upperLevel)
  {
    const Vertebra& lower = m_annotation.vertebrae.at(lowerLevel);
    const Vertebra& upper = m_annotation.vertebrae.at(upperLevel);
    const auto lowerCentre = centreOfPlaced(lower);
    const auto upperCentre = centreOfPlaced(upper);
    if (!lowerCentre || !upperCentre) {
      return;
    }
    const auto lowerOutline = outlineOf(lower, m_annotation.image.spacing);
    const auto upperOutline = outlineOf(upper, m_annotation.image.spacing);
    if (lowerOutline && upperOutline && checkDuplicate(lowerLevel, *lowerOutline, upperLevel, *upperOutline)) {
      return;  // one vertebra labelled twice: order, overlap and size follow from that
    }

    // The next vertebra up lies cranially: towards image y = 0, as the header of checks.h states.
    const double cranialStep = lowerCentre->y - upperCentre->y;
    if (cranialStep <= 0.0) {
      add(upperLevel, std::nullopt, Severity::Error, FindingCode::LabelOutOfSequence,
          fmt::format("{} lies {:.1f} px below {} in the image, but labels run from L5 upwards; check which "
                      "vertebra carries which label",
                      levelName(upperLevel), -cranialStep, levelName(lowerLevel)));
      return;
    }
    if (lowerOutline && upperOutline && adjacentInSequence(lowerLevel, upperLevel)) {
      checkOverlap(lowerLevel, *lowerOutline, upperLevel, *upperOutline);
      checkSizeJump(lowerLevel, *lowerOutline, upperLevel, *upperOutline);
    }
  }

  bool checkDuplicate(Level lowerLevel, const Outline& lower, Level upperLevel, const Outline& upper)
  {
    const double meanHeight = (lower.height + upper.height) / 2.0;
    const double distance = physicalDistance(lower.centre, upper.centre, m_annotation.image.spacing);
    if (meanHeight <= 0.0 || distance >= m_thresholds.duplicateCentreShare * meanHeight) {
      return false;
    }
    add(upperLevel, std::nullopt, Severity::Error, FindingCode::DuplicateVertebra,
        fmt::format("{} and {} have centres {:.1f} {} apart, less than {:.0f}% of their mean height, so one "
                    "vertebra may carry both labels; delete one or move it to its own vertebra",
                    levelName(upperLevel), levelName(lowerLevel), distance, unit(),
                    m_thresholds.duplicateCentreShare * 100.0));
    return true;
  }

  void checkOverlap(Level lowerLevel, const Outline& lower, Level upperLevel, const Outline& upper)
  {
    if (!lower.simple || !upper.simple) {
      return;  // clipping needs convex outlines; crossed outlines are reported on their own
    }
    const double smallerArea = std::min(std::abs(signedArea(lower.corners)), std::abs(signedArea(upper.corners)));
    if (smallerArea <= 0.0) {
      return;
    }
    const double share = convexIntersectionArea(lower.corners, upper.corners) / smallerArea;
    if (share > m_thresholds.maxOverlapShare) {
      add(upperLevel, std::nullopt, Severity::Warning, FindingCode::OverlapsNeighbour,
          fmt::format("{} and {} overlap by {:.0f}% of the smaller outline, but a disc separates adjacent "
                      "bodies; check {}'s inferior and {}'s superior corners",
                      levelName(upperLevel), levelName(lowerLevel), share * 100.0, levelName(upperLevel),
                      levelName(lowerLevel)));
    }
  }

  void checkSizeJump(Level lowerLevel, const Outline& lower, Level upperLevel, const Outline& upper)
  {
    const auto reportJump = [&](const char* measure, double lowerValue, double upperValue, double maxRatio) {
      if (lowerValue <= 0.0 || upperValue <= 0.0) {
        return;
      }
      const double ratio = std::max(lowerValue, upperValue) / std::min(lowerValue, upperValue);
      if (ratio > maxRatio) {
        add(upperLevel, std::nullopt, Severity::Warning, FindingCode::SizeJump,
            fmt::format("{} {} is {:.1f} {} against {:.1f} {} for {}, a ratio of {:.2f} (at most {:.2f} expected "
                        "between neighbours); check the corners of both",
                        levelName(upperLevel), measure, upperValue, unit(), lowerValue, unit(),
                        levelName(lowerLevel), ratio, maxRatio));
      }
    };
    reportJump("height", lower.height, upper.height, m_thresholds.maxAdjacentHeightRatio);
    reportJump("width", lower.width, upper.width, m_thresholds.maxAdjacentWidthRatio);
  }

  const char* unit() const { return m_annotation.image.spacing.known() ? "mm" : "px"; }

  const ImageAnnotation& m_annotation;
  const CheckThresholds& m_thresholds;
  std::vector<Finding> m_findings;
};

}  // namespace

std::string_view severityName(Severity severity)
{
  return severity == Severity::Error ? "error" : "warning";
}

std::vector<Finding> checkAnnotation(const ImageAnnotation& annotation, const CheckThresholds& thresholds)
{
  return Checker(annotation, thresholds).run();
}

bool hasErrors(const std::vector<Finding>& findings)
{
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& finding) { return finding.severity == Severity::Error; });
}

}  // namespace spinemark::core::quality
