// COCO keypoint export: parsed back with simdjson and checked against the annotations written.
#include "core/coco_export.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/annotation_json.h"
#include "core/levels.h"
#include "support/test_data.h"

namespace spinemark::core {
namespace {

namespace fs = std::filesystem;

ImageAnnotation annotationOf(const std::string& relativePath)
{
  ImageAnnotation annotation;
  annotation.image.relativePath = relativePath;
  annotation.image.width = 640;
  annotation.image.height = 1024;
  annotation.image.sha256 = std::string(64, 'b');
  annotation.annotator = "tester";
  annotation.created = "2026-01-02T03:04:05Z";
  annotation.modified = annotation.created;
  return annotation;
}

void save(const fs::path& annotationsDir, const ImageAnnotation& annotation)
{
  const auto path = annotationsDir / (annotation.image.relativePath + ".json");
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << toJson(annotation);
}

class CocoExport : public ::testing::Test {
 protected:
  void SetUp() override
  {
    m_dir = testing::makeScratchDir("coco-export") / "annotations";
    ImageAnnotation first = annotationOf("a/first.dcm");
    for (int slot = 0; slot < SlotCount; ++slot) {
      first.vertebrae[Level::L5].points[static_cast<std::size_t>(slot)] =
          Point{100.5 + 10 * slot, 700.25 + slot};
    }
    first.vertebrae[Level::L4].points[0] = Point{120, 600};
    first.vertebrae[Level::L4].points[2] = Point{160, 590};
    first.vertebrae[Level::L3].status = VertebraStatus::NotVisible;
    save(m_dir, first);
    save(m_dir, annotationOf("b/second.png"));
    std::ostringstream out;
    m_report = exportCocoKeypoints(m_dir, out);
    m_text = out.str();
    ASSERT_EQ(m_parser.parse(m_text).get(m_document), simdjson::SUCCESS) << m_text;
  }

  simdjson::dom::array array(const char* key) const
  {
    simdjson::dom::array result;
    EXPECT_EQ(m_document[key].get_array().get(result), simdjson::SUCCESS) << key;
    return result;
  }

  fs::path m_dir;
  ExportReport m_report;
  std::string m_text;
  simdjson::dom::parser m_parser;
  simdjson::dom::element m_document;
};

TEST_F(CocoExport, ListsEveryImage)
{
  EXPECT_EQ(m_report.filesRead, 2);
  const auto images = array("images");
  ASSERT_EQ(images.size(), 2u);
  EXPECT_EQ(std::string_view(images.at(0)["file_name"]), "a/first.dcm");
  EXPECT_EQ(int64_t(images.at(0)["id"]), 1);
  EXPECT_EQ(int64_t(images.at(0)["width"]), 640);
  EXPECT_EQ(int64_t(images.at(0)["height"]), 1024);
  EXPECT_EQ(std::string_view(images.at(1)["file_name"]), "b/second.png");
}

TEST_F(CocoExport, OneAnnotationPerVertebraWithLandmarks)
{
  // L5 complete and L4 with two landmarks; L3 (not visible) and the empty image add nothing.
  EXPECT_EQ(m_report.rowsWritten, 2);
  const auto annotations = array("annotations");
  ASSERT_EQ(annotations.size(), 2u);
  const auto l5 = annotations.at(0);
  EXPECT_EQ(int64_t(l5["image_id"]), 1);
  EXPECT_EQ(int64_t(l5["category_id"]), static_cast<int>(Level::L5) + 1);
  EXPECT_EQ(int64_t(l5["num_keypoints"]), 6);
  simdjson::dom::array keypoints = l5["keypoints"];
  ASSERT_EQ(keypoints.size(), 18u);
  EXPECT_DOUBLE_EQ(double(keypoints.at(3)), 110.5);
  EXPECT_DOUBLE_EQ(double(keypoints.at(4)), 701.25);
  EXPECT_EQ(int64_t(keypoints.at(5)), 2);
}

TEST_F(CocoExport, UnplacedKeypointsHaveZeroVisibility)
{
  const auto l4 = array("annotations").at(1);
  EXPECT_EQ(int64_t(l4["num_keypoints"]), 2);
  simdjson::dom::array keypoints = l4["keypoints"];
  EXPECT_EQ(int64_t(keypoints.at(5)), 0);
  EXPECT_EQ(int64_t(keypoints.at(8)), 2);
  simdjson::dom::array bbox = l4["bbox"];
  EXPECT_DOUBLE_EQ(double(bbox.at(0)), 120.0);
  EXPECT_DOUBLE_EQ(double(bbox.at(1)), 590.0);
  EXPECT_DOUBLE_EQ(double(bbox.at(2)), 40.0);
  EXPECT_DOUBLE_EQ(double(bbox.at(3)), 10.0);
  EXPECT_DOUBLE_EQ(double(l4["area"]), 400.0);
}

TEST_F(CocoExport, CategoriesNameEveryLevel)
{
  const auto categories = array("categories");
  ASSERT_EQ(categories.size(), static_cast<std::size_t>(LevelCount));
  const auto l5 = categories.at(static_cast<std::size_t>(Level::L5));
  EXPECT_EQ(std::string_view(l5["name"]), "L5");
  EXPECT_EQ(int64_t(l5["id"]), static_cast<int>(Level::L5) + 1);
  simdjson::dom::array names = l5["keypoints"];
  ASSERT_EQ(names.size(), 6u);
  EXPECT_EQ(std::string_view(names.at(0)), "superior_image_left");
  simdjson::dom::array skeleton = l5["skeleton"];
  EXPECT_EQ(skeleton.size(), 6u);
}

TEST_F(CocoExport, DamagedFileIsSkippedAndNamed)
{
  std::ofstream(m_dir / "broken.json") << "{\"schema\":";
  std::ostringstream out;
  const auto report = exportCocoKeypoints(m_dir, out);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_NE(report.errors[0].find("broken.json"), std::string::npos) << report.errors[0];
  EXPECT_EQ(report.rowsWritten, 2);
}

}  // namespace
}  // namespace spinemark::core
