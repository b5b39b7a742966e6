#include "core/annotation_json.h"

#include "core/atomic_file.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include <clocale>
#include <locale>
#include <stdexcept>

namespace spinemark::core {
namespace {

ImageAnnotation makeAnnotation()
{
  ImageAnnotation annotation;
  annotation.image.relativePath = "study 1/spine-ap.dcm";
  annotation.image.width = 1760;
  annotation.image.height = 2140;
  annotation.image.sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  annotation.image.sopInstanceUid = "1.2.840.113619.2.1.1";
  annotation.image.spacing = PixelSpacing{0.15, 0.15, SpacingSource::ImagerPixelSpacing};
  annotation.orientation = Orientation{View::AP, true, Orientation::Source::Dicom};
  annotation.vertebrae[Level::L5].points[0] = Point{0.1 + 0.2, 1e-7};
  annotation.vertebrae[Level::L5].points[4] = Point{123456.789, 12.5};
  annotation.vertebrae[Level::T12].points[5] = Point{-3.0, 2140.0};
  annotation.annotator = "reader1";
  annotation.created = "2026-12-04T20:31:07Z";
  annotation.modified = "2026-12-04T20:35:00Z";
  return annotation;
}

// Replaces the first occurrence of from in text, failing the test when it is missing.
std::string replaced(std::string text, const std::string& from, const std::string& to)
{
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string parseError(const std::string& json)
{
  try {
    parseAnnotation(json, "annotations/x.png.json");
  } catch (const AnnotationFormatError& error) {
    return error.what();
  }
  return "";
}

// A decimal point of ',' as in German, set through a facet because a de_DE locale may not be
// installed on the test machine.
struct CommaDecimal : std::numpunct<char> {
  char do_decimal_point() const override { return ','; }
  char do_thousands_sep() const override { return '.'; }
  std::string do_grouping() const override { return "\3"; }
};

// Makes de_DE.UTF-8 loadable: when the system lacks it, compiles it with localedef (Debian
// package locales) into a scratch folder and points glibc there through LOCPATH.
bool ensureGermanLocale()
{
  if (std::setlocale(LC_ALL, "de_DE.UTF-8")) {
    return true;
  }
  const auto folder = std::filesystem::temp_directory_path() / "spinemark-test-locales";
  std::filesystem::create_directories(folder);
  const std::string command =
      "localedef -i de_DE -f UTF-8 '" + (folder / "de_DE.UTF-8").string() + "' >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0 && !std::filesystem::exists(folder / "de_DE.UTF-8" / "LC_NUMERIC")) {
    return false;
  }
  ::setenv("LOCPATH", folder.c_str(), 1);
  return std::setlocale(LC_ALL, "de_DE.UTF-8") != nullptr;
}

// Restores the C and C++ global locales when a test ends.
class GlobalLocaleGuard {
 public:
  GlobalLocaleGuard() : m_cxx(std::locale()), m_c(std::setlocale(LC_ALL, nullptr)) {}
  ~GlobalLocaleGuard()
  {
    std::locale::global(m_cxx);
    std::setlocale(LC_ALL, m_c.c_str());
  }

 private:
  std::locale m_cxx;
  std::string m_c;
};

TEST(AnnotationJsonTest, RoundTripIsExact)
{
  ImageAnnotation original = makeAnnotation();
  ImageAnnotation parsed = parseAnnotation(toJson(original), "memory.json");
  EXPECT_EQ(parsed, original);
  EXPECT_EQ(parsed.vertebrae.at(Level::L5).points[0]->x, 0.1 + 0.2);
}

TEST(AnnotationJsonTest, WritesDocumentedFields)
{
  std::string json = toJson(makeAnnotation());
  EXPECT_NE(json.find("\"schema_version\": 2"), std::string::npos);
  EXPECT_NE(json.find("\"patient_right_on\": \"image_left\""), std::string::npos);
  EXPECT_NE(json.find("\"source\": \"dicom\""), std::string::npos);
  EXPECT_NE(json.find("\"source\": \"ImagerPixelSpacing\""), std::string::npos);
  EXPECT_NE(json.find("\"superior_right\": {\"x\": 0.30000000000000004, \"y\": 1e-07}"), std::string::npos);
  EXPECT_NE(json.find("\"inferior_left\""), std::string::npos);
  EXPECT_NE(json.find("\"coordinate_system\""), std::string::npos);
  // Caudal to cranial: L5 before T12.
  EXPECT_LT(json.find("\"L5\""), json.find("\"T12\""));
}

TEST(AnnotationJsonTest, OmitsUnknownSpacingAndEmptyUid)
{
  ImageAnnotation annotation = makeAnnotation();
  annotation.image.spacing = PixelSpacing{};
  annotation.image.sopInstanceUid.clear();
  std::string json = toJson(annotation);
  EXPECT_EQ(json.find("pixel_spacing_mm"), std::string::npos);
  EXPECT_EQ(json.find("sop_instance_uid"), std::string::npos);
  EXPECT_EQ(parseAnnotation(json, "memory.json"), annotation);
}

TEST(AnnotationJsonTest, LateralUsesAnteriorOn)
{
  ImageAnnotation annotation = makeAnnotation();
  annotation.orientation = Orientation{View::Lateral, false, Orientation::Source::Annotator};
  std::string json = toJson(annotation);
  EXPECT_NE(json.find("\"anterior_on\": \"image_right\""), std::string::npos);
  EXPECT_EQ(json.find("patient_right_on"), std::string::npos);
  EXPECT_NE(json.find("\"superior_posterior\""), std::string::npos);
  EXPECT_EQ(parseAnnotation(json, "memory.json"), annotation);
}

TEST(AnnotationJsonTest, NumbersIgnoreCommaLocaleFacet)
{
  GlobalLocaleGuard guard;
  std::locale::global(std::locale(std::locale::classic(), new CommaDecimal));
  std::string json = toJson(makeAnnotation());
  EXPECT_NE(json.find("12.5"), std::string::npos);
  EXPECT_EQ(json.find("12,5"), std::string::npos);
  EXPECT_EQ(parseAnnotation(json, "memory.json"), makeAnnotation());
}

TEST(AnnotationJsonTest, NumbersIgnoreGermanLocale)
{
  GlobalLocaleGuard guard;
  if (!ensureGermanLocale()) {
    GTEST_SKIP() << "locale de_DE.UTF-8 is not installed and localedef could not build it";
  }
  std::locale::global(std::locale("de_DE.UTF-8"));
  ASSERT_NE(std::setlocale(LC_ALL, "de_DE.UTF-8"), nullptr);
  std::string json = toJson(makeAnnotation());
  EXPECT_NE(json.find("12.5"), std::string::npos);
  EXPECT_EQ(parseAnnotation(json, "memory.json"), makeAnnotation());
}

TEST(AnnotationJsonTest, EscapesStrings)
{
  ImageAnnotation annotation = makeAnnotation();
  annotation.annotator = "Dr. \"Ø\" back\\slash\ttab\nline\x01 end \xE6\x97\xA5";
  std::string json = toJson(annotation);
  EXPECT_NE(json.find("\\\"\xC3\x98\\\" back\\\\slash\\ttab\\nline\\u0001 end \xE6\x97\xA5"), std::string::npos);
  EXPECT_EQ(parseAnnotation(json, "memory.json").annotator, annotation.annotator);
}

TEST(AnnotationJsonTest, RejectsInvalidUtf8OnWrite)
{
  ImageAnnotation annotation = makeAnnotation();
  annotation.image.relativePath = "caf\xE9.png";
  EXPECT_THROW(toJson(annotation), std::invalid_argument);
}

TEST(AnnotationJsonTest, EmptyAnnotationRoundTrips)
{
  ImageAnnotation annotation;
  annotation.image.relativePath = "a.png";
  annotation.image.width = 1;
  annotation.image.height = 1;
  EXPECT_EQ(parseAnnotation(toJson(annotation), "memory.json"), annotation);
}

TEST(AnnotationJsonTest, IgnoresUnknownKeys)
{
  std::string json = replaced(toJson(makeAnnotation()), "\"annotator\"", "\"future\": {\"a\": [1, 2]}, \"annotator\"");
  json = replaced(json, "\"label\": \"L5\"", "\"label\": \"L5\", \"confidence\": 0.9");
  EXPECT_EQ(parseAnnotation(json, "memory.json"), makeAnnotation());
}

TEST(AnnotationJsonTest, ErrorNamesFile)
{
  std::string message = parseError("{");
  EXPECT_NE(message.find("annotations/x.png.json"), std::string::npos) << message;
  EXPECT_NE(message.find("not valid JSON"), std::string::npos) << message;
}

TEST(AnnotationJsonTest, RejectsWrongSchema)
{
  std::string message = parseError(replaced(toJson(makeAnnotation()), "urn:spinemark:annotation", "urn:other"));
  EXPECT_NE(message.find("not a spinemark annotation file"), std::string::npos) << message;
}

TEST(AnnotationJsonTest, RejectsNewerSchemaVersion)
{
  std::string message = parseError(replaced(toJson(makeAnnotation()), "\"schema_version\": 2", "\"schema_version\": 7"));
  EXPECT_NE(message.find("version 7"), std::string::npos) << message;
  EXPECT_NE(message.find("Upgrade spinemark"), std::string::npos) << message;
}

TEST(AnnotationJsonTest, RejectsMissingField)
{
  std::string message = parseError(replaced(toJson(makeAnnotation()), "\"width\"", "\"breadth\""));
  EXPECT_NE(message.find("missing field \"image.width\""), std::string::npos) << message;
}

TEST(AnnotationJsonTest, RejectsWrongType)
{
  std::string message = parseError(replaced(toJson(makeAnnotation()), "\"height\": 2140", "\"height\": \"2140\""));
  EXPECT_NE(message.find("image.height must be an integer"), std::string::npos) << message;
  message = parseError(replaced(toJson(makeAnnotation()), "\"y\": 12.5", "\"y\": true"));
  EXPECT_NE(message.find("inferior_middle.y must be a number"), std::string::npos) << message;
}

TEST(AnnotationJsonTest, RejectsOutOfRangeCoordinate)
{
  std::string message = parseError(replaced(toJson(makeAnnotation()), "\"y\": 12.5", "\"y\": -2e6"));
  EXPECT_NE(message.find("vertebrae[0].points.inferior_middle.y is out of range"), std::string::npos) << message;
  message = parseError(replaced(toJson(makeAnnotation()), "\"y\": 12.5", "\"y\": 1e400"));
  EXPECT_FALSE(message.empty());
}

TEST(AnnotationJsonTest, RejectsUnknownLevel)
{
  std::string message = parseError(replaced(toJson(makeAnnotation()), "\"label\": \"T12\"", "\"label\": \"C7\""));
  EXPECT_NE(message.find("\"C7\" is not a vertebra level"), std::string::npos) << message;
}

TEST(AnnotationJsonTest, RejectsLandmarkOfOtherView)
{
  std::string message =
      parseError(replaced(toJson(makeAnnotation()), "\"superior_right\"", "\"superior_anterior\""));
  EXPECT_NE(message.find("\"superior_anterior\" is not a landmark name"), std::string::npos) << message;
}

TEST(AnnotationJsonTest, RejectsDuplicateLevel)
{
  std::string message = parseError(replaced(toJson(makeAnnotation()), "\"label\": \"T12\"", "\"label\": \"l5\""));
  EXPECT_NE(message.find("appears more than once"), std::string::npos) << message;
}

TEST(AnnotationJsonTest, RejectsDuplicateLandmark)
{
  std::string message = parseError(replaced(toJson(makeAnnotation()), "\"inferior_middle\"", "\"superior_right\""));
  EXPECT_NE(message.find("appears twice"), std::string::npos) << message;
}

TEST(AnnotationJsonTest, RejectsBadOrientation)
{
  std::string message = parseError(replaced(toJson(makeAnnotation()), "\"view\": \"AP\"", "\"view\": \"lateral\""));
  EXPECT_NE(message.find("missing field \"orientation.anterior_on\""), std::string::npos) << message;
  message = parseError(replaced(toJson(makeAnnotation()), "\"image_left\"", "\"image_top\""));
  EXPECT_NE(message.find("orientation.patient_right_on"), std::string::npos) << message;
}

TEST(AnnotationJsonTest, RejectsNonObjectTopLevel)
{
  std::string message = parseError("[1, 2]");
  EXPECT_NE(message.find("the top level must be an object"), std::string::npos) << message;
}

TEST(AnnotationJsonTest, RejectsTruncatedFile)
{
  std::string json = toJson(makeAnnotation());
  for (std::size_t length : {json.size() / 4, json.size() / 2, json.size() - 3}) {
    EXPECT_THROW(parseAnnotation(json.substr(0, length), "cut.json"), AnnotationFormatError) << length;
  }
}

TEST(AnnotationJsonTest, ReadsFileFromDisk)
{
  auto dir = spinemark::testing::makeScratchDir("annotation-json");
  writeFileAtomically(dir / "a.json", toJson(makeAnnotation()));
  EXPECT_EQ(readAnnotationFile(dir / "a.json"), makeAnnotation());
  try {
    readAnnotationFile(dir / "missing.json");
    FAIL() << "expected AnnotationFormatError";
  } catch (const AnnotationFormatError& error) {
    EXPECT_NE(std::string(error.what()).find("missing.json"), std::string::npos);
    EXPECT_EQ(error.path(), dir / "missing.json");
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spinemark::core
