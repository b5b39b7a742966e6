// Schema version 2 fields, version 1 files, and the bad inputs that the reader must name.
#include "core/annotation_json.h"

#include <gtest/gtest.h>

namespace spinemark::core {
namespace {

ImageAnnotation makeFullAnnotation()
{
  ImageAnnotation annotation;
  annotation.image.relativePath = "study/a.png";
  annotation.image.width = 800;
  annotation.image.height = 1600;
  annotation.image.sha256 = "ab";
  annotation.orientation = Orientation{View::Lateral, false, Orientation::Source::Annotator};
  Vertebra& l6 = annotation.vertebrae[Level::L6];
  l6.points[0] = Point{1.5, 2.25};
  l6.authors[0] = PointAuthor{"radiologist", OriginalPlacement{{1, 2}, "reader1"}};
  l6.points[3] = Point{4, 5};
  l6.authors[3] = PointAuthor{"reader1", std::nullopt};
  annotation.vertebrae[Level::L4].status = VertebraStatus::NotVisible;
  annotation.vertebrae[Level::L3].status = VertebraStatus::NotAssessable;
  annotation.variants = {Level::L6, Level::T13};
  annotation.workflow = Workflow{WorkflowState::Flagged, "reader1", "2026-12-04T21:00:00Z",
                                 {FlagReason::LevelUncertain, FlagReason::Other}, "two \"L1\"?"};
  annotation.comments.push_back({1, "radiologist", "2026-12-04T21:01:00Z", "whole image", std::nullopt, std::nullopt, false});
  annotation.comments.push_back({4, "radiologist", "2026-12-04T21:02:00Z", "corner", Level::L6, Slot::InferiorFirst, true});
  annotation.activeSeconds = {{"reader1", 412.5}, {"radiologist", 0.001}};
  annotation.history.push_back({"2026-12-04T20:59:00Z", "reader1", HistoryAction::Place, Level::L6, Slot::SuperiorFirst,
                                std::nullopt, Point{1, 2}, ""});
  annotation.history.push_back({"2026-12-04T21:03:00Z", "radiologist", HistoryAction::Move, Level::L6,
                                Slot::SuperiorFirst, Point{1, 2}, Point{1.5, 2.25}, ""});
  annotation.history.push_back({"2026-12-04T21:04:00Z", "reader1", HistoryAction::ShiftLabels, std::nullopt,
                                std::nullopt, std::nullopt, std::nullopt, "+1"});
  annotation.annotator = "radiologist";
  annotation.created = "2026-12-04T20:59:00Z";
  annotation.modified = "2026-12-04T21:04:00Z";
  return annotation;
}

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

// A version 1 file as spinemark 0.1 wrote it.
constexpr const char* Version1File = R"({
  "schema": "urn:spinemark:annotation",
  "schema_version": 1,
  "image": {"path": "a.png", "width": 100, "height": 200, "sha256": "cd"},
  "coordinate_system": "image pixel space",
  "orientation": {"view": "AP", "patient_right_on": "image_left", "source": "default"},
  "vertebrae": [
    {"label": "L6", "points": {"superior_right": {"x": 1, "y": 2}}},
    {"label": "L5", "points": {}}
  ],
  "annotator": "reader1",
  "created": "2026-12-04T20:31:07Z",
  "modified": "2026-12-04T20:35:00Z"
})";

TEST(AnnotationJsonV2Test, RoundTripKeepsEveryField)
{
  ImageAnnotation original = makeFullAnnotation();
  ImageAnnotation parsed = parseAnnotation(toJson(original), "memory.json");
  EXPECT_EQ(parsed.vertebrae, original.vertebrae);
  EXPECT_EQ(parsed.variants, original.variants);
  EXPECT_EQ(parsed.workflow, original.workflow);
  EXPECT_EQ(parsed.comments, original.comments);
  EXPECT_EQ(parsed.activeSeconds, original.activeSeconds);
  EXPECT_EQ(parsed.history, original.history);
  EXPECT_EQ(parsed, original);
}

TEST(AnnotationJsonV2Test, WritesDocumentedKeys)
{
  std::string json = toJson(makeFullAnnotation());
  EXPECT_NE(json.find("\"variants\": [\"L6\", \"T13\"]"), std::string::npos) << json;
  EXPECT_NE(json.find("{\"label\": \"L4\", \"status\": \"not_visible\", \"points\": {}}"), std::string::npos) << json;
  EXPECT_NE(json.find("\"by\": \"radiologist\", \"original\": {\"x\": 1, \"y\": 2, \"by\": \"reader1\"}"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"flag_reasons\": [\"level_uncertain\", \"other\"]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"active_seconds\": {\"radiologist\": 0.001, \"reader1\": 412.5}"), std::string::npos) << json;
  EXPECT_NE(json.find("\"action\": \"move\", \"level\": \"L6\", \"landmark\": \"superior_posterior\", "
                      "\"from\": [1, 2], \"to\": [1.5, 2.25]}"),
            std::string::npos)
      << json;
}

TEST(AnnotationJsonV2Test, ReadsVersion1File)
{
  ImageAnnotation parsed = parseAnnotation(Version1File, "old.json");
  ASSERT_EQ(parsed.vertebrae.size(), 1u);
  const Vertebra& l6 = parsed.vertebrae.at(Level::L6);
  EXPECT_EQ(l6.points[0], (Point{1, 2}));
  EXPECT_EQ(l6.authors[0].by, "reader1");
  EXPECT_EQ(parsed.variants, std::set<Level>{Level::L6});
  EXPECT_EQ(parsed.workflow.state, WorkflowState::New);
  EXPECT_TRUE(parsed.history.empty());
  EXPECT_NE(toJson(parsed).find("\"schema_version\": 2"), std::string::npos);
  EXPECT_EQ(parseAnnotation(toJson(parsed), "new.json"), parsed);
}

TEST(AnnotationJsonV2Test, Version2RequiresNewFields)
{
  std::string json = toJson(makeFullAnnotation());
  for (const char* key : {"\"workflow\"", "\"history\"", "\"comments\"", "\"variants\"", "\"active_seconds\"",
                          "\"status\""}) {
    std::string message = parseError(replaced(json, key, "\"unknown_key\""));
    EXPECT_NE(message.find("missing field"), std::string::npos) << key << ": " << message;
  }
}

TEST(AnnotationJsonV2Test, RejectsStatusWithPoints)
{
  std::string json = replaced(toJson(makeFullAnnotation()), "\"label\": \"L6\", \"status\": \"visible\"",
                              "\"label\": \"L6\", \"status\": \"not_visible\"");
  std::string message = parseError(json);
  EXPECT_NE(message.find("vertebrae[0] is marked not_visible but has points"), std::string::npos) << message;
}

struct BadInput {
  const char* name;
  std::string json;
  const char* expected;
};

std::vector<BadInput> badInputs()
{
  std::string good = toJson(makeFullAnnotation());
  return {
      {"empty", "", "the file is empty"},
      {"nul-filled", std::string(4096, '\0'), "only NUL bytes (4096)"},
      {"bom", "\xEF\xBB\xBF" + good, "byte order mark"},
      {"non-utf8", replaced(good, "reader1", "reader\xE9"), "not valid UTF-8"},
      {"truncated", good.substr(0, good.size() / 2), "not valid JSON"},
      {"nan", replaced(good, "412.5", "NaN"), "not valid JSON"},
      {"infinity", replaced(good, "412.5", "Infinity"), "not valid JSON"},
      {"huge number", replaced(good, "412.5", "1e400"), "a number is malformed"},
      {"out-of-range time", replaced(good, "412.5", "1e300"), "active_seconds.reader1 must be a number of seconds"},
      {"out-of-range pair", replaced(good, "\"to\": [1.5, 2.25]", "\"to\": [1.5, 2e7]"), "history[1].to is out of range"},
      {"duplicate key", replaced(good, "\"annotator\":", "\"annotator\": \"x\", \"annotator\":"),
       "the key \"annotator\" appears twice"},
      {"nested duplicate key", replaced(good, "{\"state\":", "{\"state\": \"done\", \"state\":"),
       "the key \"workflow.state\" appears twice"},
      {"null list", replaced(good, "\"variants\": [\"L6\", \"T13\"]", "\"variants\": null"),
       "variants must be an array, not null"},
      {"null history", replaced(good, "\"history\": [", "\"history\": null, \"x\": ["), "history must be an array, not null"},
      {"wrong type", replaced(good, "\"resolved\": true", "\"resolved\": \"yes\""), "comments[1].resolved must be true or false"},
      {"bad state", replaced(good, "\"state\": \"flagged\"", "\"state\": \"finished\""), "workflow.state is \"finished\""},
      {"bad reason", replaced(good, "\"level_uncertain\"", "\"blurry\""), "workflow.flag_reasons[0] is \"blurry\""},
      {"bad variant", replaced(good, "\"variants\": [\"L6\"", "\"variants\": [\"L4\""), "variants[0] is \"L4\""},
      {"bad action", replaced(good, "\"action\": \"move\"", "\"action\": \"teleport\""), "history[1].action"},
      {"comment id reused", replaced(good, "{\"id\": 4", "{\"id\": 1"), "comments[1].id 1"},
      {"newer version", replaced(good, "\"schema_version\": 2", "\"schema_version\": 3"), "Upgrade spinemark"},
  };
}

TEST(AnnotationJsonV2Test, EachBadInputNamesFileAndProblem)
{
  for (const BadInput& input : badInputs()) {
    std::string message = parseError(input.json);
    EXPECT_NE(message.find("annotations/x.png.json"), std::string::npos) << input.name << ": " << message;
    EXPECT_NE(message.find(input.expected), std::string::npos) << input.name << ": " << message;
  }
}

}  // namespace
}  // namespace spinemark::core
