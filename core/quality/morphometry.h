// Vertebral morphometry from the six landmarks: body heights, their ratios and a suggested
// Genant semiquantitative grade (Genant et al., J Bone Miner Res 1993;8:1137-48).
//
// Heights are the distances between corresponding points of the two endplates, in mm when the
// pixel spacing is known and in pixels otherwise. On a lateral view "anterior" and "posterior"
// follow the recorded orientation. On AP and PA views the same fields hold the patient's right
// and left sides, and no Genant grade is suggested because that grading is defined on lateral
// radiographs.
#pragma once

#include "core/annotation.h"
#include "core/csv_export.h"

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace spinemark::core::quality {

struct VertebraMorphometry {
  Level level = Level::L5;
  bool millimetres = false;  // heights in mm (spacing known), else in pixels
  double heightRightOrAnterior = 0.0;  // Ha on lateral views
  double heightMiddle = 0.0;           // Hm
  double heightLeftOrPosterior = 0.0;  // Hp on lateral views
  double wedgeRatio = 0.0;             // Ha / Hp
  double midWedgeRatio = 0.0;          // Hm / Hp
  // Hp / mean Hp of the adjacent measured vertebrae (one or both); absent without neighbours.
  std::optional<double> crushRatio;
  // 1 - the smallest of the three ratios, floored at 0: the largest relative height loss.
  double heightLoss = 0.0;
  std::optional<int> genantGrade;  // 0..3, lateral views only
};

// Suggested Genant grade for a height loss (0.2 = 20%): 0 below 20%, 1 from 20% to below 25%,
// 2 from 25% to 40%, 3 above 40%. The bands compare the remaining height ratio (1 - loss) with
// 0.80, 0.75 and 0.60 so that exact ratios such as 8/10 land in the band the table names.
int genantGrade(double heightRatio);

// Measures every vertebra with all six landmarks, caudal to cranial. Neighbours for the crush
// ratio are the measured vertebrae at the adjacent levels of the image's sequence, which contains
// L6 and T13 only when the annotation enables them as variants.
std::vector<VertebraMorphometry> measureVertebrae(const ImageAnnotation& annotation);

// Writes "image,vertebra,view,unit,height_right_or_anterior,height_middle,height_left_or_posterior,
// wedge_ratio,mid_wedge_ratio,crush_ratio,height_loss,genant_grade" and one row per measured
// vertebra. Empty cells mean "not defined" (no neighbour, or no grade on AP/PA views).
void writeMorphometryCsvHeader(std::ostream& out);
void writeMorphometryCsvRows(const ImageAnnotation& annotation, std::ostream& out);

// Writes the header and the rows of every annotation file below annotationsDir, images in
// natural path order. Unreadable files are listed in errors and skipped. Throws
// std::runtime_error when annotationsDir is not a folder.
ExportReport exportMorphometryCsv(const std::filesystem::path& annotationsDir, std::ostream& out);

}  // namespace spinemark::core::quality
