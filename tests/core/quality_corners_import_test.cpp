#include "core/quality/corners_import.h"

#include "core/annotation_json.h"
#include "core/file_hash.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace spinemark::core::quality {
namespace {

namespace fs = std::filesystem;

const std::string ImageName = "sunhl-1th-02-Jan-2017-162 A AP.jpg";  // 755 x 2125 px

fs::path aasceDir()
{
  const fs::path shared = testing::sharedDataDir();
  return shared.empty() ? fs::path() : shared / "aasce";
}

// Copies the header and the rows of one image from the shared CSV, with its size replaced.
fs::path writeCsvFor(const fs::path& dir, const std::string& image, const std::string& size)
{
  std::ifstream in(aasceDir() / "corners-px.csv");
  const fs::path csvPath = dir / "corners.csv";
  std::ofstream out(csvPath, std::ios::binary);
  std::string line;
  std::getline(in, line);
  out << line << '\n';
  while (std::getline(in, line)) {
    if (line.rfind(image + ",", 0) == 0) {
      const auto sizeEnd = line.find(',', line.find(',', image.size() + 1) + 1);
      out << image << ',' << size << line.substr(sizeEnd) << '\n';
    }
  }
  return csvPath;
}

TEST(CornersImport, WritesAnnotationWithIdentity)
{
  const fs::path aasce = aasceDir();
  if (aasce.empty()) {
    GTEST_SKIP() << "shared AASCE data not found";
  }
  const fs::path dir = testing::makeScratchDir("corners-import");
  CornersImportOptions options;
  options.cornersCsv = writeCsvFor(dir, ImageName, "755,2125");
  options.imagesDir = aasce / "images";
  options.annotationsDir = dir / "annotations";
  options.user = "truth";

  const CornersImportReport report = importCorners(options);
  EXPECT_EQ(report.imagesInCsv, 1);
  EXPECT_EQ(report.filesWritten, 1);
  EXPECT_TRUE(report.skipped.empty());

  const ImageAnnotation annotation = readAnnotationFile(dir / "annotations" / (ImageName + ".json"));
  EXPECT_EQ(annotation.image.relativePath, ImageName);
  EXPECT_EQ(annotation.image.width, 755);
  EXPECT_EQ(annotation.image.height, 2125);
  EXPECT_EQ(annotation.image.sha256, sha256File(aasce / "images" / ImageName));
  EXPECT_EQ(annotation.orientation.view, View::AP);
  EXPECT_EQ(annotation.annotator, "truth");
  EXPECT_EQ(annotation.workflow.state, WorkflowState::Done);
  ASSERT_EQ(annotation.vertebrae.size(), 17u);

  // T1 in the CSV: superior_left (361, 72) and superior_right (503, 74), image sides.
  const Vertebra& t1 = annotation.vertebrae.at(Level::T1);
  EXPECT_EQ(t1.points[static_cast<std::size_t>(Slot::SuperiorFirst)], (Point{361, 72}));
  EXPECT_EQ(t1.points[static_cast<std::size_t>(Slot::SuperiorSecond)], (Point{503, 74}));
  EXPECT_EQ(t1.points[static_cast<std::size_t>(Slot::SuperiorMiddle)], (Point{432, 73}));
  EXPECT_EQ(t1.authors[static_cast<std::size_t>(Slot::SuperiorMiddle)].by, "truth");
}

TEST(CornersImport, SkipsExistingAndWrongSize)
{
  const fs::path aasce = aasceDir();
  if (aasce.empty()) {
    GTEST_SKIP() << "shared AASCE data not found";
  }
  const fs::path dir = testing::makeScratchDir("corners-import-skip");
  CornersImportOptions options;
  options.cornersCsv = writeCsvFor(dir, ImageName, "755,2125");
  options.imagesDir = aasce / "images";
  options.annotationsDir = dir / "annotations";
  options.user = "truth";
  ASSERT_EQ(importCorners(options).filesWritten, 1);

  const CornersImportReport again = importCorners(options);
  EXPECT_EQ(again.filesWritten, 0);
  ASSERT_EQ(again.skipped.size(), 1u);
  EXPECT_NE(again.skipped[0].find("--overwrite"), std::string::npos) << again.skipped[0];

  options.overwrite = true;
  options.cornersCsv = writeCsvFor(dir, ImageName, "700,2125");
  const CornersImportReport wrongSize = importCorners(options);
  EXPECT_EQ(wrongSize.filesWritten, 0);
  ASSERT_EQ(wrongSize.skipped.size(), 1u);
  EXPECT_NE(wrongSize.skipped[0].find("700x2125"), std::string::npos) << wrongSize.skipped[0];
  EXPECT_NE(wrongSize.skipped[0].find("755x2125"), std::string::npos) << wrongSize.skipped[0];
}

TEST(CornersImport, RejectsNamesOutsideImages)
{
  const fs::path dir = testing::makeScratchDir("corners-import-escape");
  const fs::path csvPath = dir / "corners.csv";
  std::ofstream(csvPath, std::ios::binary) << "image,width,height,vertebra,corner,x,y\n"
                                              "../escape.jpg,100,200,T1,superior_left,10,10\n"
                                              "../escape.jpg,100,200,T1,superior_right,50,10\n"
                                              "../escape.jpg,100,200,T1,inferior_left,10,40\n"
                                              "../escape.jpg,100,200,T1,inferior_right,50,40\n";
  CornersImportOptions options;
  options.cornersCsv = csvPath;
  options.imagesDir = dir / "images";
  options.user = "truth";
  const CornersImportReport report = importCorners(options);
  EXPECT_EQ(report.filesWritten, 0);
  ASSERT_EQ(report.skipped.size(), 1u);
  EXPECT_NE(report.skipped[0].find("'..'"), std::string::npos) << report.skipped[0];
  EXPECT_FALSE(fs::exists(dir / "escape.jpg.json"));
}

}  // namespace
}  // namespace spinemark::core::quality
