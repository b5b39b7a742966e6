// The recovery journal through the real app: an edit that only the journal holds, as after a
// crash before autosave, is restored when the image opens, reported, and written by autosave.
#include "app/gui_harness.h"
#include "core/annotation_json.h"
#include "core/recovery_journal.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

namespace {

using spinemark::core::Level;
using spinemark::core::Point;
using spinemark::testing::runSpinemark;
using spinemark::testing::writeText;

TEST(GuiJournal, UnsavedEditRestoredOnOpen)
{
  if (!spinemark::testing::haveDisplay()) {
    GTEST_SKIP() << "no X display";
  }
  const auto scratch = spinemark::testing::makeScratchDir("gui-journal");
  const auto workspace = scratch / "workspace";
  ASSERT_EQ(runSpinemark({"sample-workspace", workspace.string()}).exitCode, 0);
  const auto image = (workspace / "lateral" / "phantom-lateral.dcm").string();
  const auto annotations = scratch / "annotations";
  const auto file = annotations / "phantom-lateral.dcm.json";
  const auto run = [&](const std::string& script) {
    writeText(scratch / "script.txt", script);
    return runSpinemark({image, "--annotations", annotations.string(), "--user", "tester", "--script",
                         (scratch / "script.txt").string(), "--window-size", "1200x900"});
  };

  // A first session saves one landmark.
  const auto first = run("wait 2\nclick 291 1889\nwait 2\nquit\n");
  ASSERT_EQ(first.exitCode, 0) << first.output;

  // The journal of a session that died before autosave: a second landmark over the saved file.
  auto edited = spinemark::core::readAnnotationFile(file);
  edited.vertebrae.at(Level::L5).points[1] = Point{350, 1900};
  {
    spinemark::core::RecoveryJournal journal(file, spinemark::core::annotationDiskVersion(file));
    ASSERT_FALSE(journal.recordEdit(7, "tester", spinemark::core::toJson(edited)).has_value());
    // Moved out of scope without markWritten, the journal keeps its record, as a killed app would.
  }
  ASSERT_TRUE(std::filesystem::exists(spinemark::core::recoveryJournalPath(file)));

  const auto second = run("wait 3\nquit\n");
  ASSERT_EQ(second.exitCode, 0) << second.output;
  EXPECT_NE(second.output.find("Restored 1 unsaved edit of phantom-lateral.dcm"), std::string::npos)
      << second.output;
  const auto saved = spinemark::core::readAnnotationFile(file);
  ASSERT_TRUE(saved.vertebrae.at(Level::L5).points[1].has_value());
  EXPECT_EQ(*saved.vertebrae.at(Level::L5).points[1], (Point{350, 1900}));
  EXPECT_FALSE(std::filesystem::exists(spinemark::core::recoveryJournalPath(file)));
}

}  // namespace
