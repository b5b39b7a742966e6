// Kills spinemark_autosave_stress with SIGKILL right after an edit, long before its autosave delay
// of one hour, and checks that the next run restores that edit from the recovery journal.
#include <gtest/gtest.h>

#include <cstdio>

#include "core/annotation_json.h"
#include "core/recovery_journal.h"
#include "reliability/child_process.h"
#include "reliability/stress_edits.h"

namespace spinemark::testing {
namespace {

using Clock = ChildProcess::Clock;

constexpr int Rounds = 10;

// The edit the annotation file holds: 0 when there is no file.
long editOnDisk(const std::filesystem::path& annotationPath)
{
  if (!std::filesystem::exists(annotationPath)) {
    return 0;
  }
  return stressEditOf(core::readAnnotationFile(annotationPath));
}

// The edit the newest record of the journal holds, or -1 without a valid record.
long editInJournal(const std::filesystem::path& annotationPath)
{
  const auto contents = core::readRecoveryJournal(core::recoveryJournalPath(annotationPath));
  if (contents.records.empty()) {
    return -1;
  }
  return stressEditOf(core::parseAnnotation(contents.records.back().annotationJson, annotationPath));
}

// Reads "NAME N" from the child, or returns -1.
long readNumber(ChildProcess& child, const char* format)
{
  long number = -1;
  const auto line = child.readLine(Clock::now() + std::chrono::seconds(30));
  if (!line || std::sscanf(line->c_str(), format, &number) != 1) {
    return -1;
  }
  return number;
}

TEST(RecoveryJournalKillTest, EditBeforeAutosaveSurvivesSigkill)
{
  const auto workspace = makeStressWorkspace("journal-kill");
  const auto annotationPath = workspace / "annotations" / "a.png.json";

  long previousEdit = 0;
  for (int round = 1; round <= Rounds; ++round) {
    ChildProcess child({SPINEMARK_STRESS_HELPER, "edit-unsaved", workspace.string()});
    ASSERT_TRUE(child.started());
    const long start = readNumber(child, "start %ld");
    ASSERT_EQ(start, previousEdit) << "round " << round
                                   << ": the edit killed in the previous round was not restored";
    const long edit = readNumber(child, "edit %ld");
    ASSERT_EQ(edit, start + 1) << "round " << round;
    child.kill();

    // Only the journal contains the edit. The file contains the restored edit of the previous round.
    EXPECT_EQ(editOnDisk(annotationPath), start) << "round " << round;
    EXPECT_EQ(editInJournal(annotationPath), edit) << "round " << round;
    previousEdit = edit;
  }

  // A run that ends normally saves the restored edit and removes the journal.
  ChildProcess saver({SPINEMARK_STRESS_HELPER, "save", workspace.string()});
  ASSERT_TRUE(saver.started());
  EXPECT_EQ(readNumber(saver, "start %ld"), previousEdit);
  EXPECT_FALSE(saver.readLine(Clock::now() + std::chrono::seconds(30)));  // end of output: it exited
  saver.kill();                                                           // reaps it
  EXPECT_EQ(editOnDisk(annotationPath), previousEdit);
  EXPECT_FALSE(std::filesystem::exists(core::recoveryJournalPath(annotationPath)));
  std::printf("[ figures  ] %d runs killed with SIGKILL right after an edit, each edit restored\n", Rounds);
  std::filesystem::remove_all(workspace);
}

}  // namespace
}  // namespace spinemark::testing
