#include "core/assist/annotation_folder.h"

#include "core/annotation_json.h"
#include "support/synthetic_spine.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <fstream>

namespace spinemark::core::assist {
namespace {

void writeText(const std::filesystem::path& path, const std::string& text)
{
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

TEST(AnnotationFolderTest, ReadsFilesSkipsHiddenListsBad)
{
  const auto folder = testing::makeScratchDir("assist-annotations");
  ImageAnnotation spine = testing::syntheticSpine({}, "study/a.jpg");
  spine.image.sha256 = std::string(64, 'a');
  writeText(folder / "study" / "a.jpg.json", toJson(spine));
  writeText(folder / ".spinemark" / "assist-model.json", "{\"schema\": \"urn:spinemark:assist-model\"}");
  writeText(folder / "b.jpg.json", "{\"schema\": \"urn:spinemark:annotation\"");
  writeText(folder / "notes.txt", "not an annotation");

  const AnnotationFolder read = readAnnotationFolder(folder);
  ASSERT_EQ(read.annotations.size(), 1u);
  EXPECT_EQ(read.annotations[0].vertebrae.size(), 17u);
  EXPECT_EQ(read.annotations[0].vertebrae.at(Level::T1).points, spine.vertebrae.at(Level::T1).points);
  ASSERT_EQ(read.errors.size(), 1u);
  EXPECT_NE(read.errors[0].find("b.jpg.json"), std::string::npos) << read.errors[0];
}

TEST(AnnotationFolderTest, MissingFolderThrows)
{
  EXPECT_THROW(readAnnotationFolder("/nonexistent/annotations"), std::runtime_error);
}

}  // namespace
}  // namespace spinemark::core::assist
