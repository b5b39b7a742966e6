// GUI tests on the synthetic sample workspace: keyboard placement, drag, undo/redo, nudge,
// orientation, image navigation and privacy, each driven by an input script.
#include "app/gui_harness.h"
#include "core/annotation_json.h"
#include "core/levels.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

namespace {

using spinemark::core::Level;
using spinemark::core::Slot;
using spinemark::testing::runSpinemark;
using spinemark::testing::writeText;

constexpr const char* LateralImage = "lateral/phantom-lateral.dcm";
constexpr const char* ApPngImage = "ap/phantom-ap-png.png";

struct Truth {
  double x = 0;
  double y = 0;
};

class GuiAnnotation : public ::testing::Test {
 protected:
  void SetUp() override
  {
    if (!spinemark::testing::haveDisplay()) {
      GTEST_SKIP() << "no X display";
    }
    m_scratch = spinemark::testing::makeScratchDir("gui-annotation");
    m_workspace = m_scratch / "workspace";
    const auto made = runSpinemark({"sample-workspace", m_workspace.string()});
    ASSERT_EQ(made.exitCode, 0) << made.output;
    readTruth();
  }

  // truth.csv rows: image,vertebra,landmark,x,y
  void readTruth()
  {
    std::ifstream file(m_workspace / "truth.csv");
    std::string line;
    std::getline(file, line);
    while (std::getline(file, line)) {
      std::vector<std::string> fields;
      std::stringstream stream(line);
      std::string field;
      while (std::getline(stream, field, ',')) {
        fields.push_back(field);
      }
      ASSERT_EQ(fields.size(), 5u) << line;
      m_truth[fields[0] + "/" + fields[1] + "/" + fields[2]] = {std::stod(fields[3]), std::stod(fields[4])};
    }
  }

  // Truth of a slot on the lateral phantom, whose anterior side is on the image's left.
  Truth lateralTruth(Level level, Slot slot) const
  {
    spinemark::core::Orientation orientation;
    orientation.view = spinemark::core::View::Lateral;
    orientation.firstSideIsRightOrAnterior = true;
    const auto key = std::string(LateralImage) + "/" + std::string(spinemark::core::levelName(level)) + "/" +
                     spinemark::core::landmarkName(slot, orientation);
    EXPECT_TRUE(m_truth.count(key)) << key;
    return m_truth.count(key) ? m_truth.at(key) : Truth{};
  }

  spinemark::testing::RunResult runScript(const std::vector<std::string>& inputs, const std::string& script)
  {
    const auto scriptPath = m_scratch / ("script-" + std::to_string(m_scriptCount++) + ".txt");
    writeText(scriptPath, "wait 2\n" + script + "wait 2\nquit\n");
    std::vector<std::string> args = inputs;
    args.insert(args.end(), {"--annotations", annotations().string(), "--user", "tester", "--script",
                             scriptPath.string(), "--window-size", "1200x900"});
    return runSpinemark(args);
  }

  spinemark::core::ImageAnnotation readAnnotation(const std::string& relativePath) const
  {
    return spinemark::core::readAnnotationFile(annotations() / (relativePath + ".json"));
  }

  std::filesystem::path annotations() const { return m_scratch / "annotations"; }
  std::string workspaceFile(const char* relative) const { return (m_workspace / relative).string(); }

  static std::string at(const char* command, Truth point, double dx = 0.0, double dy = 0.0)
  {
    std::ostringstream line;
    line.precision(17);
    line << command << " " << point.x + dx << " " << point.y + dy << "\n";
    return line.str();
  }

  std::filesystem::path m_scratch;
  std::filesystem::path m_workspace;
  std::map<std::string, Truth> m_truth;
  int m_scriptCount = 0;
};

TEST_F(GuiAnnotation, KeyboardPlacementAndDrag)
{
  std::string script;
  for (int slot = 0; slot < spinemark::core::SlotCount; ++slot) {
    script += at("move", lateralTruth(Level::L5, static_cast<Slot>(slot)));
    script += "key SPACE\n";
  }
  const Truth first = lateralTruth(Level::L5, Slot::SuperiorFirst);
  std::ostringstream drag;
  drag.precision(17);
  drag << "drag " << first.x << " " << first.y << " " << first.x + 4.0 << " " << first.y - 3.0 << "\n";
  script += drag.str();

  const auto run = runScript({workspaceFile(LateralImage)}, script);
  ASSERT_EQ(run.exitCode, 0) << run.output;
  const auto annotation = readAnnotation("phantom-lateral.dcm");
  ASSERT_TRUE(annotation.vertebrae.count(Level::L5));
  const auto& l5 = annotation.vertebrae.at(Level::L5);
  ASSERT_TRUE(l5.complete());
  EXPECT_NEAR(l5.points[0]->x, first.x + 4.0, 0.05);
  EXPECT_NEAR(l5.points[0]->y, first.y - 3.0, 0.05);
  for (int slot = 1; slot < spinemark::core::SlotCount; ++slot) {
    const Truth truth = lateralTruth(Level::L5, static_cast<Slot>(slot));
    EXPECT_NEAR(l5.points[static_cast<std::size_t>(slot)]->x, truth.x, 0.05) << "slot " << slot;
    EXPECT_NEAR(l5.points[static_cast<std::size_t>(slot)]->y, truth.y, 0.05) << "slot " << slot;
  }
  EXPECT_EQ(annotation.annotator, "tester");
  EXPECT_EQ(annotation.orientation.view, spinemark::core::View::Lateral);
}

TEST_F(GuiAnnotation, UndoAndRedoByKeys)
{
  std::string script;
  for (int slot = 0; slot < 3; ++slot) {
    script += at("click", lateralTruth(Level::L5, static_cast<Slot>(slot)));
  }
  script += "key ctrl+z\nkey ctrl+z\nkey ctrl+y\n";
  const auto run = runScript({workspaceFile(LateralImage)}, script);
  ASSERT_EQ(run.exitCode, 0) << run.output;
  // A named copy: a reference into the temporary that readAnnotation returns would dangle.
  const auto annotation = readAnnotation("phantom-lateral.dcm");
  const auto& l5 = annotation.vertebrae.at(Level::L5);
  EXPECT_EQ(l5.placedCount(), 2);
  EXPECT_TRUE(l5.points[0].has_value());
  EXPECT_TRUE(l5.points[1].has_value());
  EXPECT_FALSE(l5.points[2].has_value());
}

TEST_F(GuiAnnotation, NudgeMovesByPixelAndTenth)
{
  const Truth truth = lateralTruth(Level::L5, Slot::SuperiorFirst);
  const auto grid = spinemark::core::onStoredGrid({truth.x, truth.y});
  const Truth first{grid.x, grid.y};
  const auto run = runScript({workspaceFile(LateralImage)},
                             at("click", first) + "key shift+TAB\nkey RIGHT\nkey RIGHT\nkey shift+DOWN\n");
  ASSERT_EQ(run.exitCode, 0) << run.output;
  // A named copy: a reference into the temporary that readAnnotation returns would dangle.
  const auto annotation = readAnnotation("phantom-lateral.dcm");
  const auto& l5 = annotation.vertebrae.at(Level::L5);
  ASSERT_TRUE(l5.points[0].has_value());
  EXPECT_NEAR(l5.points[0]->x, first.x + 2.0, 1e-9);
  EXPECT_NEAR(l5.points[0]->y, first.y + 0.1, 1e-9);
  EXPECT_EQ(l5.placedCount(), 1);
}

TEST_F(GuiAnnotation, DeleteAndVertebraKeys)
{
  const Truth first = lateralTruth(Level::L5, Slot::SuperiorFirst);
  const Truth l4 = lateralTruth(Level::L4, Slot::SuperiorFirst);
  // W goes up to L4 without placing; S comes back to L5, whose first point Delete removes.
  const auto run = runScript({workspaceFile(LateralImage)},
                             at("click", first) + "key W\n" + at("click", l4) + "key S\nkey DELETE\n");
  ASSERT_EQ(run.exitCode, 0) << run.output;
  const auto annotation = readAnnotation("phantom-lateral.dcm");
  EXPECT_FALSE(annotation.vertebrae.count(Level::L5));
  ASSERT_TRUE(annotation.vertebrae.count(Level::L4));
  EXPECT_NEAR(annotation.vertebrae.at(Level::L4).points[0]->x, l4.x, 0.05);
}

TEST_F(GuiAnnotation, OrientationKeyRenamesWithoutMoving)
{
  const auto run = runScript({workspaceFile(ApPngImage)}, "click 300.25 700.75\nkey O\n");
  ASSERT_EQ(run.exitCode, 0) << run.output;
  const auto exported = runSpinemark(
      {"export", "--format", "csv", (m_workspace / "ap").string(), "--annotations", annotations().string()});
  ASSERT_EQ(exported.exitCode, 0) << exported.output;
  std::istringstream rows(exported.stdoutText);
  std::string header;
  std::string image;
  std::string vertebra;
  std::string landmark;
  std::string x;
  std::string y;
  std::getline(rows, header);
  std::getline(rows, image, ',');
  std::getline(rows, vertebra, ',');
  std::getline(rows, landmark, ',');
  std::getline(rows, x, ',');
  std::getline(rows, y);
  EXPECT_EQ(header, "image,vertebra,landmark,x,y");
  EXPECT_EQ(image, "phantom-ap-png.png");
  EXPECT_EQ(vertebra, "L5");
  EXPECT_EQ(landmark, "superior_left");
  EXPECT_NEAR(std::stod(x), 300.25, 1e-6);
  EXPECT_NEAR(std::stod(y), 700.75, 1e-6);
  const auto annotation = readAnnotation("phantom-ap-png.png");
  EXPECT_EQ(annotation.orientation.source, spinemark::core::Orientation::Source::Annotator);
  EXPECT_FALSE(annotation.orientation.firstSideIsRightOrAnterior);
}

TEST_F(GuiAnnotation, NextImageKeyOpensFollowingImage)
{
  // Workspace order is ap/phantom-ap-png.png, ap/phantom-ap.dcm, lateral/phantom-lateral.dcm.
  const auto run = runScript({m_workspace.string()}, "key N\nclick 200 300\n");
  ASSERT_EQ(run.exitCode, 0) << run.output;
  EXPECT_FALSE(std::filesystem::exists(annotations() / "ap/phantom-ap-png.png.json"));
  const auto annotation = readAnnotation("ap/phantom-ap.dcm");
  EXPECT_EQ(annotation.image.relativePath, "ap/phantom-ap.dcm");
  EXPECT_EQ(annotation.vertebrae.at(Level::L5).placedCount(), 1);
}

TEST_F(GuiAnnotation, PatientDataNeverWritten)
{
  const auto run = runScript({workspaceFile(LateralImage)}, "click 100 100\n");
  ASSERT_EQ(run.exitCode, 0) << run.output;
  const auto json = spinemark::testing::readText(annotations() / "phantom-lateral.dcm.json");
  ASSERT_FALSE(json.empty());
  EXPECT_EQ(json.find("PHANTOM"), std::string::npos);
  EXPECT_EQ(json.find("SAMPLE-0001"), std::string::npos);
  EXPECT_EQ(run.output.find("PHANTOM"), std::string::npos);
  EXPECT_EQ(run.output.find("SAMPLE-0001"), std::string::npos);
}

TEST_F(GuiAnnotation, UnwritableFolderOpensReadOnly)
{
  // A folder below a regular file cannot be created, even by root.
  writeText(m_scratch / "blocker", "not a folder");
  const auto blocked = m_scratch / "blocker" / "annotations";
  const auto scriptPath = m_scratch / "read-only.txt";
  writeText(scriptPath, "wait 2\nclick 100 100\nwait 5\nscreenshot " + (m_scratch / "read-only.png").string() +
                            "\nquit\n");
  const auto run = runSpinemark({workspaceFile(LateralImage), "--annotations", blocked.string(), "--script",
                                 scriptPath.string(), "--window-size", "1200x900"});
  EXPECT_EQ(run.exitCode, 0) << run.output;
  // The click is rejected with a message instead of failing to save later.
  EXPECT_NE(run.output.find("read-only"), std::string::npos) << run.output;
  EXPECT_FALSE(std::filesystem::exists(blocked));
  // The status bar shows the read-only notice in orange while the image is open.
  const auto shot = spinemark::testing::readRgbPng(m_scratch / "read-only.png");
  EXPECT_GT(spinemark::testing::countColor(shot, 255, 170, 60, 8), 20) << "no read-only notice in the status bar";
}

TEST_F(GuiAnnotation, LoupeShowsWhilePlacing)
{
  const Truth first = lateralTruth(Level::L5, Slot::SuperiorFirst);
  const auto shown = m_scratch / "loupe-on.png";
  const auto hidden = m_scratch / "loupe-off.png";
  const auto run = runScript({workspaceFile(LateralImage)}, at("move", first) + "wait 2\nscreenshot " + shown.string() +
                                                                "\nkey M\nwait 2\nscreenshot " + hidden.string() + "\n");
  ASSERT_EQ(run.exitCode, 0) << run.output;
  // The loupe has a 2-pixel yellow border around a 220-pixel square; the HUD text is yellow too,
  // so the check compares the two screenshots.
  const int yellowOn = spinemark::testing::countColor(spinemark::testing::readRgbPng(shown), 255, 255, 0, 0);
  const int yellowOff = spinemark::testing::countColor(spinemark::testing::readRgbPng(hidden), 255, 255, 0, 0);
  EXPECT_GT(yellowOn - yellowOff, 4 * 200) << "on " << yellowOn << ", off " << yellowOff;
}

TEST_F(GuiAnnotation, NextUnfinishedKeySkipsCompleteImages)
{
  // Images 0 and 1 of the workspace get complete annotations from L5 to T1, so U must open image 2.
  for (const char* relative : {"ap/phantom-ap-png.png", "ap/phantom-ap.dcm"}) {
    spinemark::core::ImageAnnotation annotation;
    annotation.image.relativePath = relative;
    annotation.image.width = 100;
    annotation.image.height = 100;
    for (auto level = std::optional<Level>(Level::L5); level; level = spinemark::core::levelAbove(*level)) {
      auto& vertebra = annotation.vertebrae[*level];
      for (auto& point : vertebra.points) {
        point = spinemark::core::Point{10.0, 10.0};
      }
    }
    writeText(annotations() / (std::string(relative) + ".json"), spinemark::core::toJson(annotation));
  }
  const auto run = runScript({m_workspace.string()}, "key U\nclick 200 300\n");
  ASSERT_EQ(run.exitCode, 0) << run.output;
  const auto annotation = readAnnotation("lateral/phantom-lateral.dcm");
  ASSERT_TRUE(annotation.vertebrae.count(Level::L5));
  EXPECT_EQ(annotation.vertebrae.at(Level::L5).placedCount(), 1);
}

TEST_F(GuiAnnotation, UnknownScriptKeyFailsClearly)
{
  const auto run = runScript({workspaceFile(LateralImage)}, "key NOT_A_KEY\n");
  EXPECT_NE(run.exitCode, 0);
  EXPECT_NE(run.output.find("NOT_A_KEY"), std::string::npos) << run.output;
}

}  // namespace
