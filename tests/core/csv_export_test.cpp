#include "core/csv_export.h"

#include "core/annotation_json.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace spinemark::core {
namespace {

namespace fs = std::filesystem;

ImageAnnotation makeAnnotation(const std::string& relativePath, View view)
{
  ImageAnnotation annotation;
  annotation.image.relativePath = relativePath;
  annotation.image.width = 400;
  annotation.image.height = 800;
  annotation.image.sha256 = std::string(64, 'a');
  annotation.orientation.view = view;
  annotation.orientation.firstSideIsRightOrAnterior = true;
  annotation.annotator = "tester";
  annotation.created = "2026-01-02T03:04:05Z";
  annotation.modified = annotation.created;
  return annotation;
}

void setPoint(ImageAnnotation& annotation, Level level, Slot slot, Point point)
{
  annotation.vertebrae[level].points[static_cast<std::size_t>(slot)] = point;
}

void writeText(const fs::path& path, const std::string& text)
{
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

void writeAnnotation(const fs::path& annotationsDir, const ImageAnnotation& annotation)
{
  writeText(annotationsDir / (annotation.image.relativePath + ".json"), toJson(annotation));
}

// Independent of csvNumber: the shortest round-trip text of a double.
std::string shortest(double value)
{
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

// Rows of one annotation in the documented order: vertebrae caudal to cranial, slots in order.
std::vector<std::string> expectedRows(const ImageAnnotation& annotation)
{
  std::vector<std::string> rows;
  for (const auto& [level, vertebra] : annotation.vertebrae) {
    for (int slot = 0; slot < SlotCount; ++slot) {
      const auto& point = vertebra.points[static_cast<std::size_t>(slot)];
      if (!point) continue;
      rows.push_back(annotation.image.relativePath + "," + std::string(levelName(level)) + "," +
                     landmarkName(static_cast<Slot>(slot), annotation.orientation) + "," + shortest(point->x) +
                     "," + shortest(point->y));
    }
  }
  return rows;
}

std::vector<std::string> lines(const std::string& text)
{
  std::vector<std::string> result;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) result.push_back(line);
  return result;
}

TEST(CsvField, QuotesOnlyWhenNeeded)
{
  EXPECT_EQ(csvField("plain/path 1.png"), "plain/path 1.png");
  EXPECT_EQ(csvField("a,b"), "\"a,b\"");
  EXPECT_EQ(csvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csvField("carriage\rreturn"), "\"carriage\rreturn\"");
  EXPECT_EQ(csvField(""), "");
}

TEST(CsvNumber, PrintsShortestRoundTrip)
{
  EXPECT_EQ(csvNumber(0.1), "0.1");
  EXPECT_EQ(csvNumber(12.25), "12.25");
  EXPECT_EQ(csvNumber(-3.0), "-3");
  const double third = 1.0 / 3.0;
  EXPECT_EQ(std::stod(csvNumber(third)), third);
}

TEST(CsvExport, WritesRowsInImageVertebraSlotOrder)
{
  const fs::path annotationsDir = testing::makeScratchDir("csv-rows");

  ImageAnnotation lateral = makeAnnotation("series/img10.png", View::Lateral);
  setPoint(lateral, Level::L4, Slot::SuperiorMiddle, {150.5, 300.25});
  setPoint(lateral, Level::L5, Slot::InferiorSecond, {210.0, 420.75});
  setPoint(lateral, Level::L5, Slot::SuperiorFirst, {100.1, 350.0});
  ImageAnnotation ap = makeAnnotation("series/img2.png", View::AP);
  setPoint(ap, Level::L1, Slot::SuperiorFirst, {12.25, 40.5});
  setPoint(ap, Level::L6, Slot::InferiorMiddle, {0.1, 700.0});
  writeAnnotation(annotationsDir, lateral);
  writeAnnotation(annotationsDir, ap);
  writeText(annotationsDir / "series" / ".img3.png.json.tmp", "{ half written");

  std::ostringstream out;
  const ExportReport report = exportLandmarksCsv(annotationsDir, out);

  std::vector<std::string> expected = {"image,vertebra,landmark,x,y"};
  for (const std::string& row : expectedRows(ap)) expected.push_back(row);
  for (const std::string& row : expectedRows(lateral)) expected.push_back(row);
  EXPECT_EQ(lines(out.str()), expected);
  EXPECT_EQ(report.filesRead, 2);
  EXPECT_EQ(report.rowsWritten, 5);
  EXPECT_TRUE(report.errors.empty()) << ::testing::PrintToString(report.errors);

  // Hand-checked: in AP with the patient's right on the image's left, the first superior corner
  // is the patient's right one, and L6 comes before L1 (caudal first).
  ASSERT_EQ(expected.size(), 6u);
  EXPECT_EQ(lines(out.str())[1], "series/img2.png,L6,inferior_middle,0.1,700");
  EXPECT_EQ(lines(out.str())[2], "series/img2.png,L1,superior_right,12.25,40.5");
  EXPECT_EQ(lines(out.str())[3], "series/img10.png,L5,superior_anterior,100.1,350");
  fs::remove_all(annotationsDir);
}

TEST(CsvExport, QuotesImagePathWithComma)
{
  const fs::path annotationsDir = testing::makeScratchDir("csv-comma");
  ImageAnnotation annotation = makeAnnotation("scans, 2024/spine \"a\".png", View::Lateral);
  setPoint(annotation, Level::L3, Slot::SuperiorFirst, {1.5, 2.5});
  writeAnnotation(annotationsDir, annotation);

  std::ostringstream out;
  const ExportReport report = exportLandmarksCsv(annotationsDir, out);

  const std::vector<std::string> rows = lines(out.str());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], "\"scans, 2024/spine \"\"a\"\".png\",L3,superior_anterior,1.5,2.5");
  EXPECT_EQ(report.rowsWritten, 1);
  fs::remove_all(annotationsDir);
}

TEST(CsvExport, CountsCorruptFileAsError)
{
  const fs::path annotationsDir = testing::makeScratchDir("csv-corrupt");
  ImageAnnotation annotation = makeAnnotation("good.png", View::AP);
  setPoint(annotation, Level::L2, Slot::InferiorFirst, {5.0, 6.0});
  writeAnnotation(annotationsDir, annotation);
  writeText(annotationsDir / "broken.png.json", "{ \"schema\": ");

  std::ostringstream out;
  const ExportReport report = exportLandmarksCsv(annotationsDir, out);

  EXPECT_EQ(report.filesRead, 1);
  EXPECT_EQ(report.rowsWritten, 1);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_NE(report.errors[0].find("broken.png.json"), std::string::npos) << report.errors[0];
  EXPECT_EQ(lines(out.str()).size(), 2u);
  fs::remove_all(annotationsDir);
}

TEST(CsvExport, EmptyFolderGivesHeaderOnly)
{
  const fs::path annotationsDir = testing::makeScratchDir("csv-empty");
  std::ostringstream out;
  const ExportReport report = exportLandmarksCsv(annotationsDir, out);
  EXPECT_EQ(out.str(), "image,vertebra,landmark,x,y\n");
  EXPECT_EQ(report.filesRead, 0);
  EXPECT_EQ(report.rowsWritten, 0);
  fs::remove_all(annotationsDir);
}

TEST(CsvExport, MissingFolderThrowsNamingIt)
{
  const fs::path scratch = testing::makeScratchDir("csv-missing");
  std::ostringstream out;
  try {
    exportLandmarksCsv(scratch / "no-annotations", out);
    FAIL() << "exportLandmarksCsv accepted a missing folder";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("no-annotations"), std::string::npos) << error.what();
  }
  fs::remove_all(scratch);
}

}  // namespace
}  // namespace spinemark::core
