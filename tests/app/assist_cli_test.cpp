// The landmark predictor's subcommands run as the real executable: JSON output shapes of
// assist-eval and replay, the model file of learn, and errors naming the bad input.
#include "app/gui_harness.h"
#include "support/synthetic_spine.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>

namespace {

using spinemark::testing::runSpinemark;
using spinemark::testing::writeText;

// A corners CSV of count synthetic spines whose names start with prefix.
std::string syntheticCornersCsv(const std::string& prefix, int count)
{
  using spinemark::core::Slot;
  const std::vector<std::pair<const char*, Slot>> corners = {{"superior_left", Slot::SuperiorFirst},
                                                             {"superior_right", Slot::SuperiorSecond},
                                                             {"inferior_left", Slot::InferiorFirst},
                                                             {"inferior_right", Slot::InferiorSecond}};
  std::string csv = "image,width,height,vertebra,corner,x,y\n";
  for (int i = 0; i < count; ++i) {
    spinemark::testing::SpineParameters p;
    p.scale = 45 + 2 * i;
    p.curvature = 0.01 * (i % 5 - 2);
    const auto spine = spinemark::testing::syntheticSpine(p, prefix + std::to_string(i) + ".jpg");
    for (const auto& [level, vertebra] : spine.vertebrae) {
      for (const auto& [name, slot] : corners) {
        const auto point = *vertebra.points[static_cast<int>(slot)];
        csv += spine.image.relativePath + ",1000,2000," + std::string(spinemark::core::levelName(level)) + "," +
               name + "," + std::to_string(point.x) + "," + std::to_string(point.y) + "\n";
      }
    }
  }
  return csv;
}

const std::string Number = R"(-?[0-9.]+(e-?[0-9]+)?)";

TEST(AssistCli, EvalJsonShape)
{
  const auto folder = spinemark::testing::makeScratchDir("assist-eval");
  writeText(folder / "train.csv", syntheticCornersCsv("train-", 20));
  writeText(folder / "test.csv", syntheticCornersCsv("test-", 4));
  const auto result = runSpinemark({"assist-eval", "--train", (folder / "train.csv").string(), "--test",
                                    (folder / "test.csv").string(), "--json"});
  ASSERT_EQ(result.exitCode, 0) << result.output;
  const std::string summary = "\\{\"median_pct\": " + Number + ", \"beyond_10pct\": " + Number + "\\}";
  const std::string byPlaced = "\\{\"1\": " + summary + ", \"2\": " + summary + ", \"3\": " + summary + "\\}";
  EXPECT_TRUE(std::regex_match(result.stdoutText, std::regex("\\{\"model\": " + byPlaced + ", \"baseline\": " +
                                                             byPlaced + "\\}\n")))
      << result.stdoutText;
}

TEST(AssistCli, ReplayJsonShape)
{
  const auto folder = spinemark::testing::makeScratchDir("assist-replay");
  writeText(folder / "truth.csv", syntheticCornersCsv("image-", 3));
  std::filesystem::create_directory(folder / "images");
  for (int i = 0; i < 3; ++i) {
    writeText(folder / "images" / ("image-" + std::to_string(i) + ".jpg"), "placeholder " + std::to_string(i));
  }
  const auto result = runSpinemark({"replay", "--truth", (folder / "truth.csv").string(), "--images",
                                    (folder / "images").string(), "--json"});
  ASSERT_EQ(result.exitCode, 0) << result.output;
  EXPECT_TRUE(std::regex_match(result.stdoutText,
                               std::regex("\\{\"images\": 3, \"mean_seconds\": " + Number +
                                          ", \"mean_seconds_without_predictions\": 155.55[0-9]*" +
                                          ", \"mean_pointer_actions\": " + Number + "\\}\n")))
      << result.stdoutText;
}

TEST(AssistCli, ReplayNamesMissingImage)
{
  const auto folder = spinemark::testing::makeScratchDir("assist-replay-missing");
  writeText(folder / "truth.csv", syntheticCornersCsv("image-", 1));
  const auto result = runSpinemark({"replay", "--truth", (folder / "truth.csv").string(), "--images",
                                    folder.string(), "--json"});
  EXPECT_EQ(result.exitCode, 1);
  EXPECT_NE(result.output.find("image-0.jpg"), std::string::npos) << result.output;
  EXPECT_TRUE(result.stdoutText.empty()) << result.stdoutText;
}

TEST(AssistCli, LearnWritesModelAndExtendsIt)
{
  const auto folder = spinemark::testing::makeScratchDir("assist-learn");
  writeText(folder / "a.csv", syntheticCornersCsv("a-", 3));
  writeText(folder / "b.csv", syntheticCornersCsv("b-", 2));
  const auto annotations = folder / "annotations";
  auto result = runSpinemark({"learn", "--from", (folder / "a.csv").string(), "--annotations", annotations.string()});
  ASSERT_EQ(result.exitCode, 0) << result.output;
  EXPECT_TRUE(std::filesystem::is_regular_file(annotations / ".spinemark" / "assist-model.json"));
  result = runSpinemark({"learn", "--from", (folder / "b.csv").string(), "--annotations", annotations.string()});
  ASSERT_EQ(result.exitCode, 0) << result.output;
  EXPECT_NE(result.stdoutText.find("now holds 5 images (3 before)"), std::string::npos) << result.stdoutText;
}

TEST(AssistCli, LearnReportsBadCsvLine)
{
  const auto folder = spinemark::testing::makeScratchDir("assist-learn-bad");
  writeText(folder / "bad.csv", "image,width,height,vertebra,corner,x,y\na.jpg,10,10,L5,top,1,2\n");
  const auto result = runSpinemark({"learn", "--from", (folder / "bad.csv").string(), "--model",
                                    (folder / "model.json").string()});
  EXPECT_EQ(result.exitCode, 1);
  EXPECT_NE(result.output.find("bad.csv:2: unknown corner 'top'"), std::string::npos) << result.output;
  EXPECT_FALSE(std::filesystem::exists(folder / "model.json"));
}

}  // namespace
