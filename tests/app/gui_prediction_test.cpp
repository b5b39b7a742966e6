// GUI tests of predicted landmarks: after L5 is placed by hand, Enter accepts the ghost points of
// L4 and L3, a drag corrects one L3 point, and the saved file contains exactly those positions. Ghost
// points also follow a landmark placed by hand, and Enter then accepts the remaining ones.
#include "app/gui_harness.h"
#include "core/annotation_json.h"
#include "core/assist/shape_model.h"
#include "core/levels.h"
#include "core/phantom.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <sstream>

namespace {

using spinemark::core::Level;
using spinemark::core::Point;
using spinemark::core::Slot;
using spinemark::core::SlotCount;
using spinemark::testing::runSpinemark;
using spinemark::testing::writeText;

// The vertebra with each point rounded to the 1/1000 pixel grid of stored mouse positions.
spinemark::core::Vertebra onGrid(spinemark::core::Vertebra vertebra)
{
  for (auto& point : vertebra.points) {
    if (point) {
      *point = spinemark::core::onStoredGrid(*point);
    }
  }
  return vertebra;
}

// Writes a lateral phantom PNG to path and returns the phantom with its ground truth.
spinemark::core::Phantom writeLateralPhantom(const std::filesystem::path& path)
{
  spinemark::core::PhantomOptions options;
  options.view = spinemark::core::View::Lateral;
  auto phantom = spinemark::core::makePhantom(options);
  spinemark::core::writePhantomPng(phantom, path);
  return phantom;
}

TEST(GuiPrediction, AcceptByKeyAndCorrectByDrag)
{
  if (!spinemark::testing::haveDisplay()) {
    GTEST_SKIP() << "no X display";
  }
  const auto scratch = spinemark::testing::makeScratchDir("gui-prediction");
  const auto image = scratch / "phantom.png";
  const auto phantom = writeLateralPhantom(image);
  const auto& truth = phantom.truth;

  // The workspace has no annotations yet, so the predictor extrapolates from the vertebrae below.
  // The clicks land on the 1/1000 pixel grid the app stores, so the app predicts from exactly these.
  spinemark::core::ImageAnnotation expected;
  expected.vertebrae[Level::L5] = onGrid(truth.at(Level::L5));
  const spinemark::core::assist::LandmarkPredictor predictor;
  const auto l4 = predictor.predictNext(expected, Level::L4);
  ASSERT_TRUE(l4.has_value());
  for (int slot = 0; slot < SlotCount; ++slot) {
    expected.vertebrae[Level::L4].points[static_cast<std::size_t>(slot)] = (*l4)[static_cast<std::size_t>(slot)];
  }
  const auto l3 = predictor.predictNext(expected, Level::L3);
  ASSERT_TRUE(l3.has_value());
  const Point corrected = *truth.at(Level::L3).points[static_cast<std::size_t>(Slot::SuperiorSecond)];

  std::string script = "wait 2\n";
  for (const auto& point : expected.vertebrae.at(Level::L5).points) {
    script += spinemark::testing::scriptLine("click", *point);
  }
  script += "key ENTER\nwait 1\nkey ENTER\nwait 1\n";
  const Point ghost = (*l3)[static_cast<std::size_t>(Slot::SuperiorSecond)];
  std::ostringstream drag;
  drag.precision(17);
  drag << "drag " << ghost.x << " " << ghost.y << " " << corrected.x << " " << corrected.y << "\n";
  script += drag.str() + "wait 2\nquit\n";
  writeText(scratch / "script.txt", script);

  const auto run = runSpinemark({image.string(), "--annotations", (scratch / "annotations").string(), "--script",
                                 (scratch / "script.txt").string(), "--window-size", "1200x900"});
  ASSERT_EQ(run.exitCode, 0) << run.output;
  const auto saved = spinemark::core::readAnnotationFile(scratch / "annotations" / "phantom.png.json");

  ASSERT_TRUE(saved.vertebrae.count(Level::L4));
  ASSERT_TRUE(saved.vertebrae.count(Level::L3));
  for (int slot = 0; slot < SlotCount; ++slot) {
    const auto index = static_cast<std::size_t>(slot);
    const auto& savedL4 = saved.vertebrae.at(Level::L4).points[index];
    ASSERT_TRUE(savedL4.has_value()) << "L4 slot " << slot;
    EXPECT_NEAR(savedL4->x, (*l4)[index].x, 1e-6) << "L4 slot " << slot;
    EXPECT_NEAR(savedL4->y, (*l4)[index].y, 1e-6) << "L4 slot " << slot;
    const Point expectedL3 = slot == static_cast<int>(Slot::SuperiorSecond) ? corrected : (*l3)[index];
    const auto& savedL3 = saved.vertebrae.at(Level::L3).points[index];
    ASSERT_TRUE(savedL3.has_value()) << "L3 slot " << slot;
    EXPECT_NEAR(savedL3->x, expectedL3.x, 0.05) << "L3 slot " << slot;
    EXPECT_NEAR(savedL3->y, expectedL3.y, 0.05) << "L3 slot " << slot;
  }
  // The predicted placements are attributed in the history.
  int accepted = 0;
  for (const auto& entry : saved.history) {
    accepted += entry.action == spinemark::core::HistoryAction::AcceptPrediction ? 1 : 0;
  }
  EXPECT_EQ(accepted, 2);
}

TEST(GuiPrediction, GhostsFollowHandPlacement)
{
  if (!spinemark::testing::haveDisplay()) {
    GTEST_SKIP() << "no X display";
  }
  const auto scratch = spinemark::testing::makeScratchDir("gui-prediction-partial");
  const auto image = scratch / "phantom.png";
  const auto phantom = writeLateralPhantom(image);

  spinemark::core::ImageAnnotation below;
  below.vertebrae[Level::L5] = onGrid(phantom.truth.at(Level::L5));
  const auto l4 = spinemark::core::assist::LandmarkPredictor().predictNext(below, Level::L4);
  ASSERT_TRUE(l4.has_value());
  // The first L4 landmark placed with Space 15 px right of and 12 px above its ghost point. An
  // empty model has learned no error covariance, so the other ghost points shift by the same amount.
  const Point shift{15.0, -12.0};
  const Point first = (*l4)[0];
  std::string script = "wait 2\n";
  for (const auto& point : below.vertebrae.at(Level::L5).points) {
    script += spinemark::testing::scriptLine("click", *point);
  }
  script += "wait 1\n" + spinemark::testing::scriptLine("move", {first.x + shift.x, first.y + shift.y}) + "key SPACE\nwait 1\n";
  script += "key ENTER\nwait 2\nquit\n";
  writeText(scratch / "script.txt", script);

  const auto run = runSpinemark({image.string(), "--annotations", (scratch / "annotations").string(), "--script",
                                 (scratch / "script.txt").string(), "--window-size", "1200x900"});
  ASSERT_EQ(run.exitCode, 0) << run.output;
  const auto saved = spinemark::core::readAnnotationFile(scratch / "annotations" / "phantom.png.json");
  ASSERT_TRUE(saved.vertebrae.count(Level::L4));
  for (int slot = 0; slot < SlotCount; ++slot) {
    const auto index = static_cast<std::size_t>(slot);
    const auto& savedL4 = saved.vertebrae.at(Level::L4).points[index];
    ASSERT_TRUE(savedL4.has_value()) << "L4 slot " << slot;
    EXPECT_NEAR(savedL4->x, (*l4)[index].x + shift.x, 0.05) << "L4 slot " << slot;
    EXPECT_NEAR(savedL4->y, (*l4)[index].y + shift.y, 0.05) << "L4 slot " << slot;
  }
}

}  // namespace
