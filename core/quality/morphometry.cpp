#include "core/quality/morphometry.h"

#include "core/csv_export.h"
#include "core/quality/annotation_files.h"
#include "core/quality/geometry.h"

#include <algorithm>
#include <stdexcept>
#include <iterator>

namespace spinemark::core::quality {

namespace {

Point pointOf(const Vertebra& vertebra, Slot slot)
{
  return *vertebra.points[static_cast<std::size_t>(slot)];
}

// True when no level of the image's sequence (standard levels plus enabled variants) lies
// between lower and upper.
bool adjacentLevels(const std::vector<Level>& sequence, Level lower, Level upper)
{
  const auto lowerAt = std::find(sequence.begin(), sequence.end(), lower);
  return lowerAt != sequence.end() && std::next(lowerAt) != sequence.end() && *std::next(lowerAt) == upper;
}

VertebraMorphometry measureHeights(Level level, const Vertebra& vertebra, const PixelSpacing& spacing)
{
  VertebraMorphometry measured;
  measured.level = level;
  measured.millimetres = spacing.known();
  measured.heightRightOrAnterior = physicalDistance(pointOf(vertebra, Slot::SuperiorFirst),
                                                    pointOf(vertebra, Slot::InferiorFirst), spacing);
  measured.heightMiddle = physicalDistance(pointOf(vertebra, Slot::SuperiorMiddle),
                                           pointOf(vertebra, Slot::InferiorMiddle), spacing);
  measured.heightLeftOrPosterior = physicalDistance(pointOf(vertebra, Slot::SuperiorSecond),
                                                    pointOf(vertebra, Slot::InferiorSecond), spacing);
  return measured;
}

// The slots are by image side, so on a lateral view with anterior on the image right the
// first-side height is the posterior one.
void orientHeights(VertebraMorphometry& measured, const Orientation& orientation)
{
  if (!orientation.firstSideIsRightOrAnterior) {
    std::swap(measured.heightRightOrAnterior, measured.heightLeftOrPosterior);
  }
}

std::string optionalNumber(const std::optional<double>& value)
{
  return value ? csvNumber(*value) : std::string();
}

}  // namespace

int genantGrade(double heightRatio)
{
  if (heightRatio > 0.80) {
    return 0;
  }
  if (heightRatio > 0.75) {
    return 1;
  }
  if (heightRatio >= 0.60) {
    return 2;
  }
  return 3;
}

std::vector<VertebraMorphometry> measureVertebrae(const ImageAnnotation& annotation)
{
  std::vector<VertebraMorphometry> measured;
  for (const auto& [level, vertebra] : annotation.vertebrae) {
    if (vertebra.complete()) {
      measured.push_back(measureHeights(level, vertebra, annotation.image.spacing));
      orientHeights(measured.back(), annotation.orientation);
    }
  }

  const bool lateral = annotation.orientation.view == View::Lateral;
  const std::vector<Level> sequence = annotationSequence(annotation);
  for (std::size_t i = 0; i < measured.size(); ++i) {
    VertebraMorphometry& current = measured[i];
    const double posterior = current.heightLeftOrPosterior;
    current.wedgeRatio = posterior > 0.0 ? current.heightRightOrAnterior / posterior : 0.0;
    current.midWedgeRatio = posterior > 0.0 ? current.heightMiddle / posterior : 0.0;

    double neighbourSum = 0.0;
    int neighbourCount = 0;
    if (i > 0 && adjacentLevels(sequence, measured[i - 1].level, current.level)) {
      neighbourSum += measured[i - 1].heightLeftOrPosterior;
      ++neighbourCount;
    }
    if (i + 1 < measured.size() && adjacentLevels(sequence, current.level, measured[i + 1].level)) {
      neighbourSum += measured[i + 1].heightLeftOrPosterior;
      ++neighbourCount;
    }
    if (neighbourCount > 0 && neighbourSum > 0.0) {
      current.crushRatio = posterior / (neighbourSum / neighbourCount);
    }

    const double smallestRatio =
        std::min({current.wedgeRatio, current.midWedgeRatio, current.crushRatio.value_or(1.0)});
    current.heightLoss = std::max(0.0, 1.0 - smallestRatio);
    if (lateral) {
      current.genantGrade = genantGrade(smallestRatio);
    }
  }
  return measured;
}

void writeMorphometryCsvHeader(std::ostream& out)
{
  out << "image,vertebra,view,unit,height_right_or_anterior,height_middle,height_left_or_posterior,"
         "wedge_ratio,mid_wedge_ratio,crush_ratio,height_loss,genant_grade\n";
}

void writeMorphometryCsvRows(const ImageAnnotation& annotation, std::ostream& out)
{
  const std::string image = csvField(annotation.image.relativePath);
  const std::string view(viewName(annotation.orientation.view));
  for (const VertebraMorphometry& measured : measureVertebrae(annotation)) {
    out << image << ',' << levelName(measured.level) << ',' << view << ',' << (measured.millimetres ? "mm" : "px")
        << ',' << csvNumber(measured.heightRightOrAnterior) << ',' << csvNumber(measured.heightMiddle) << ','
        << csvNumber(measured.heightLeftOrPosterior) << ',' << csvNumber(measured.wedgeRatio) << ','
        << csvNumber(measured.midWedgeRatio) << ',' << optionalNumber(measured.crushRatio) << ','
        << csvNumber(measured.heightLoss) << ','
        << (measured.genantGrade ? std::to_string(*measured.genantGrade) : std::string()) << '\n';
  }
}

ExportReport exportMorphometryCsv(const std::filesystem::path& annotationsDir, std::ostream& out)
{
  AnnotationFolder folder = readAnnotationFolder(annotationsDir);
  ExportReport report;
  report.errors = std::move(folder.errors);
  writeMorphometryCsvHeader(out);
  for (const AnnotationFile& file : folder.files) {
    ImageAnnotation annotation = file.annotation;
    annotation.image.relativePath = file.imagePath;
    report.rowsWritten += static_cast<int>(measureVertebrae(annotation).size());
    writeMorphometryCsvRows(annotation, out);
    ++report.filesRead;
  }
  if (!out) {
    throw std::runtime_error("writing the morphometry CSV failed");
  }
  return report;
}

}  // namespace spinemark::core::quality
