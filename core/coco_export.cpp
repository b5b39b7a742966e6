#include "core/coco_export.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "core/annotation_json_detail.h"
#include "core/levels.h"
#include "core/quality/annotation_files.h"

namespace spinemark::core {

namespace {

using json_detail::appendNumber;
using json_detail::appendString;

// The outline of the vertebral body through the six keypoints, 1-based as COCO expects.
constexpr std::array<std::array<int, 2>, 6> Skeleton = {{{1, 2}, {2, 3}, {3, 6}, {6, 5}, {5, 4}, {4, 1}}};

void appendCategories(std::string& out)
{
  out += "\"categories\":[";
  for (int index = 0; index < LevelCount; ++index) {
    if (index > 0) out += ',';
    out += "{\"id\":";
    appendNumber(out, static_cast<long long>(index + 1));
    out += ",\"name\":";
    appendString(out, levelName(static_cast<Level>(index)));
    out += ",\"supercategory\":\"vertebra\",\"keypoints\":[";
    for (std::size_t slot = 0; slot < CocoKeypointNames.size(); ++slot) {
      if (slot > 0) out += ',';
      appendString(out, CocoKeypointNames[slot]);
    }
    out += "],\"skeleton\":[";
    for (std::size_t edge = 0; edge < Skeleton.size(); ++edge) {
      if (edge > 0) out += ',';
      out += '[' + std::to_string(Skeleton[edge][0]) + ',' + std::to_string(Skeleton[edge][1]) + ']';
    }
    out += "]}";
  }
  out += ']';
}

void appendImage(std::string& out, long long id, const quality::AnnotationFile& file)
{
  out += "{\"id\":";
  appendNumber(out, id);
  out += ",\"file_name\":";
  appendString(out, file.imagePath);
  out += ",\"width\":";
  appendNumber(out, static_cast<long long>(file.annotation.image.width));
  out += ",\"height\":";
  appendNumber(out, static_cast<long long>(file.annotation.image.height));
  out += '}';
}

// One COCO annotation for a vertebra with at least one landmark.
void appendVertebra(std::string& out, long long id, long long imageId, Level level, const Vertebra& vertebra)
{
  double left = std::numeric_limits<double>::infinity();
  double top = left;
  double right = -left;
  double bottom = -left;
  std::string keypoints;
  for (std::size_t slot = 0; slot < vertebra.points.size(); ++slot) {
    if (slot > 0) keypoints += ',';
    const auto& point = vertebra.points[slot];
    if (!point) {
      keypoints += "0,0,0";
      continue;
    }
    appendNumber(keypoints, point->x);
    keypoints += ',';
    appendNumber(keypoints, point->y);
    keypoints += ",2";
    left = std::min(left, point->x);
    right = std::max(right, point->x);
    top = std::min(top, point->y);
    bottom = std::max(bottom, point->y);
  }
  out += "{\"id\":";
  appendNumber(out, id);
  out += ",\"image_id\":";
  appendNumber(out, imageId);
  out += ",\"category_id\":";
  appendNumber(out, static_cast<long long>(static_cast<int>(level) + 1));
  out += ",\"num_keypoints\":";
  appendNumber(out, static_cast<long long>(vertebra.placedCount()));
  out += ",\"keypoints\":[" + keypoints + "],\"bbox\":[";
  appendNumber(out, left);
  out += ',';
  appendNumber(out, top);
  out += ',';
  appendNumber(out, right - left);
  out += ',';
  appendNumber(out, bottom - top);
  out += "],\"area\":";
  appendNumber(out, (right - left) * (bottom - top));
  out += ",\"iscrowd\":0}";
}

}  // namespace

ExportReport exportCocoKeypoints(const std::filesystem::path& annotationsDir, std::ostream& out)
{
  quality::AnnotationFolder folder = quality::readAnnotationFolder(annotationsDir);
  ExportReport report;
  report.errors = std::move(folder.errors);
  report.filesRead = static_cast<int>(folder.files.size());

  std::string images;
  std::string annotations;
  long long imageId = 0;
  long long annotationId = 0;
  for (const quality::AnnotationFile& file : folder.files) {
    if (imageId > 0) images += ',';
    appendImage(images, ++imageId, file);
    for (const auto& [level, vertebra] : file.annotation.vertebrae) {
      if (vertebra.placedCount() == 0) continue;
      if (annotationId > 0) annotations += ',';
      appendVertebra(annotations, ++annotationId, imageId, level, vertebra);
      ++report.rowsWritten;
    }
  }
  std::string document = "{\"info\":{\"description\":\"spinemark vertebral landmarks\"},";
  document += "\"images\":[" + images + "],\"annotations\":[" + annotations + "],";
  appendCategories(document);
  document += "}\n";
  out << document;
  out.flush();
  if (!out) {
    throw std::runtime_error("Cannot export " + annotationsDir.string() +
                             ": writing the COCO output failed; check free disk space and the --out path");
  }
  spdlog::info("Exported {} vertebrae from {} annotation files in COCO keypoint format ({} files skipped)",
               report.rowsWritten, report.filesRead, report.errors.size());
  return report;
}

}  // namespace spinemark::core
