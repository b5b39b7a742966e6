// Loading with recovery and saving with a backup: every bad file gives a message that names the
// file and the problem, stays on disk untouched, and the last valid version opens instead.
#include "core/annotation_store.h"

#include "core/annotation_json.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace spinemark::core {
namespace {

ImageAnnotation makeAnnotation(double x)
{
  ImageAnnotation annotation;
  annotation.image.relativePath = "a.png";
  annotation.image.width = 100;
  annotation.image.height = 200;
  annotation.image.sha256 = "ab";
  annotation.vertebrae[Level::L5].points[0] = Point{x, 2};
  annotation.vertebrae[Level::L5].authors[0].by = "reader1";
  annotation.annotator = "reader1";
  annotation.modified = "2026-12-04T21:00:00Z";
  return annotation;
}

void writeRaw(const std::filesystem::path& path, const std::string& content)
{
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << content;
}

std::string readRaw(const std::filesystem::path& path)
{
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

std::string joined(const std::vector<std::string>& problems)
{
  std::string text;
  for (const auto& problem : problems) {
    text += problem + "\n";
  }
  return text;
}

TEST(AnnotationStoreTest, MissingFileIsEmptyWithoutProblems)
{
  auto dir = spinemark::testing::makeScratchDir("store-missing");
  AnnotationLoad load = loadAnnotation(dir / "a.png.json");
  EXPECT_FALSE(load.annotation.has_value());
  EXPECT_TRUE(load.problems.empty());
  std::filesystem::remove_all(dir);
}

TEST(AnnotationStoreTest, SaveKeepsPreviousVersionAsBackup)
{
  auto dir = spinemark::testing::makeScratchDir("store-backup");
  const auto path = dir / "a.png.json";
  saveAnnotation(path, toJson(makeAnnotation(1)));
  EXPECT_FALSE(std::filesystem::exists(annotationBackupPath(path)));
  saveAnnotation(path, toJson(makeAnnotation(2)));
  saveAnnotation(path, toJson(makeAnnotation(3)));
  EXPECT_EQ(annotationBackupPath(path).filename(), ".a.png.json.bak");
  EXPECT_EQ(readAnnotationFile(annotationBackupPath(path)), makeAnnotation(2));
  EXPECT_EQ(readAnnotationFile(path), makeAnnotation(3));
  // Only the file and its backup remain: no staging files are left behind.
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) {
    ++entries;
  }
  EXPECT_EQ(entries, 2);
  std::filesystem::remove_all(dir);
}

TEST(AnnotationStoreTest, BadFileNeverBecomesBackup)
{
  auto dir = spinemark::testing::makeScratchDir("store-bad-backup");
  const auto path = dir / "a.png.json";
  saveAnnotation(path, toJson(makeAnnotation(1)));
  saveAnnotation(path, toJson(makeAnnotation(2)));
  writeRaw(path, "{\"truncated");
  saveAnnotation(path, toJson(makeAnnotation(3)));
  EXPECT_EQ(readAnnotationFile(annotationBackupPath(path)), makeAnnotation(1));
  std::filesystem::remove_all(dir);
}

struct BadFile {
  const char* name;
  std::string content;
  const char* expected;
};

std::vector<BadFile> badFiles()
{
  std::string good = toJson(makeAnnotation(5));
  auto replaced = [&good](const std::string& from, const std::string& to) {
    std::string text = good;
    auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? text : text.replace(at, from.size(), to);
  };
  return {
      {"truncated", good.substr(0, good.size() - 20), "not valid JSON"},
      {"empty", "", "the file is empty"},
      {"nul-filled", std::string(512, '\0'), "only NUL bytes"},
      {"non-utf8", replaced("reader1", "r\xFF\xFE"), "not valid UTF-8"},
      {"bom", "\xEF\xBB\xBF" + good, "byte order mark"},
      {"wrong type", replaced("\"width\": 100", "\"width\": \"100\""), "image.width must be an integer"},
      {"nan", replaced("\"x\": 5", "\"x\": NaN"), "not valid JSON"},
      {"infinity", replaced("\"x\": 5", "\"x\": -Infinity"), "not valid JSON"},
      {"number out of range", replaced("\"x\": 5", "\"x\": 5e6"), "superior_right.x is out of range"},
      {"integer out of range", replaced("\"width\": 100", "\"width\": 99999999999999999999"), "a number is malformed"},
      {"duplicate key", replaced("\"x\": 5", "\"x\": 5, \"x\": 6"), "appears twice"},
      {"null list", replaced("\"vertebrae\": [", "\"vertebrae\": null, \"old\": ["), "vertebrae must be an array, not null"},
      {"newer version", replaced("\"schema_version\": 2", "\"schema_version\": 9"), "schema version 9"},
  };
}

TEST(AnnotationStoreTest, BadFileOpensBackupAndIsKeptAside)
{
  for (const BadFile& bad : badFiles()) {
    auto dir = spinemark::testing::makeScratchDir("store-bad");
    const auto path = dir / "a.png.json";
    saveAnnotation(path, toJson(makeAnnotation(4)));
    saveAnnotation(path, toJson(makeAnnotation(5)));
    writeRaw(path, bad.content);

    AnnotationLoad load = loadAnnotation(path);
    std::string problems = joined(load.problems);
    EXPECT_NE(problems.find(path.string()), std::string::npos) << bad.name << ": " << problems;
    EXPECT_NE(problems.find(bad.expected), std::string::npos) << bad.name << ": " << problems;
    ASSERT_TRUE(load.annotation.has_value()) << bad.name;
    EXPECT_TRUE(load.fromBackup) << bad.name;
    EXPECT_EQ(*load.annotation, makeAnnotation(4)) << bad.name;
    ASSERT_FALSE(load.keptCopy.empty()) << bad.name;
    EXPECT_EQ(readRaw(load.keptCopy), bad.content) << bad.name;
    EXPECT_EQ(readRaw(path), bad.content) << bad.name << ": the bad file must stay untouched";
    EXPECT_NE(problems.find(load.keptCopy.filename().string()), std::string::npos) << bad.name;
    std::filesystem::remove_all(dir);
  }
}

TEST(AnnotationStoreTest, BadFileWithoutBackupOpensEmpty)
{
  auto dir = spinemark::testing::makeScratchDir("store-no-backup");
  const auto path = dir / "a.png.json";
  writeRaw(path, "[]");
  AnnotationLoad load = loadAnnotation(path);
  EXPECT_FALSE(load.annotation.has_value());
  std::string problems = joined(load.problems);
  EXPECT_NE(problems.find("the top level must be an object"), std::string::npos) << problems;
  EXPECT_NE(problems.find("No backup"), std::string::npos) << problems;
  // A second load keeps a second copy instead of overwriting the first.
  AnnotationLoad again = loadAnnotation(path);
  EXPECT_NE(again.keptCopy, load.keptCopy);
  EXPECT_TRUE(std::filesystem::exists(load.keptCopy));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spinemark::core
