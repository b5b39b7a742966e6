// Kills spinemark_autosave_stress with SIGKILL at random moments while it autosaves, then checks
// the annotation file: it parses, contains exactly one version the child produced (never empty,
// truncated or mixed), and lacks at most the edits of the last second before the kill. The next
// run must start from the newest edit the child made, which the recovery journal keeps.
#include "reliability/child_process.h"
#include "reliability/stress_edits.h"

#include "core/annotation_json.h"
#include "core/annotation_store.h"
#include "core/phantom.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <sstream>

namespace spinemark::testing {
namespace {

using Clock = ChildProcess::Clock;

// Figures the test needs before it stops. A run lasts 0.2 to 2 s after its start line, so the test
// takes under a minute.
constexpr unsigned long MinimumAutosaves = 1000;
constexpr int MinimumRuns = 40;
constexpr int MaximumRuns = 200;
// Edits that the child printed this long before the kill must be on disk.
constexpr auto AllowedLoss = std::chrono::seconds(1);
// The file is reset past this edit, so its history (one entry per edit) stays small.
constexpr long ResetAfterEdit = 3000;

struct PrintedEdit {
  long edit = 0;
  unsigned long written = 0;
  Clock::time_point seen;
};

struct RunResult {
  long start = -1;
  std::vector<PrintedEdit> edits;
  Clock::time_point killed;
};

RunResult runAndKill(const std::filesystem::path& workspace, std::chrono::milliseconds delay)
{
  RunResult result;
  ChildProcess child({SPINEMARK_STRESS_HELPER, "edit", workspace.string()});
  if (!child.started()) {
    return result;
  }
  const auto startLine = child.readLine(Clock::now() + std::chrono::seconds(30));
  if (!startLine || std::sscanf(startLine->c_str(), "start %ld", &result.start) != 1) {
    return result;
  }
  const auto killAt = Clock::now() + delay;
  while (auto line = child.readLine(killAt)) {
    PrintedEdit printed;
    if (std::sscanf(line->c_str(), "edit %ld written %lu", &printed.edit, &printed.written) == 2) {
      printed.seen = Clock::now();
      result.edits.push_back(printed);
    }
  }
  result.killed = Clock::now();
  child.kill();
  return result;
}

// The newest edit printed at least AllowedLoss before the kill, or the start edit.
long requiredEdit(const RunResult& run)
{
  long required = run.start;
  for (const auto& printed : run.edits) {
    if (printed.seen <= run.killed - AllowedLoss) {
      required = printed.edit;
    }
  }
  return required;
}

TEST(AutosaveKillTest, FilesSurviveSigkill)
{
  const auto workspace = makeStressWorkspace("autosave-kill");
  const auto annotationPath = workspace / "annotations" / "a.png.json";

  std::mt19937 random(20261204);
  std::uniform_int_distribution<int> delayMs(200, 2000);
  unsigned long autosaves = 0;
  int runs = 0;
  int checkedAgainstDeadline = 0;
  long onDisk = 0;        // the edit the file held after the previous run
  long lastPrinted = 0;   // the newest edit the previous run printed

  while (runs < MaximumRuns && (runs < MinimumRuns || autosaves < MinimumAutosaves)) {
    if (onDisk > ResetAfterEdit) {
      std::filesystem::remove_all(workspace / "annotations");  // the journal too
      onDisk = 0;
      lastPrinted = 0;
    }
    const RunResult run = runAndKill(workspace, std::chrono::milliseconds(delayMs(random)));
    ++runs;
    // The child journals an edit before it prints it, and may make one more before the kill.
    ASSERT_GE(run.start, lastPrinted) << "run " << runs << ": the child did not restore the previous run's edits";
    ASSERT_LE(run.start, lastPrinted + 1) << "run " << runs << ": restored an edit the previous run never made";
    ASSERT_GE(run.start, onDisk) << "run " << runs << ": started from an edit older than the file";
    ASSERT_FALSE(run.edits.empty()) << "run " << runs << ": the child printed no edit";
    autosaves += run.edits.back().written;

    ASSERT_TRUE(std::filesystem::exists(annotationPath)) << "run " << runs;
    ASSERT_GT(std::filesystem::file_size(annotationPath), 0u) << "run " << runs << ": empty file";
    core::ImageAnnotation saved;
    try {
      saved = core::readAnnotationFile(annotationPath);
    } catch (const std::exception& error) {
      FAIL() << "run " << runs << ": " << error.what();
    }
    const long edit = stressEditOf(saved);
    ASSERT_GE(edit, 0) << "run " << runs << ": the file mixes two versions";
    // The child edits before it prints, so the file may hold one edit more than the last line.
    EXPECT_LE(edit, run.edits.back().edit + 1) << "run " << runs << ": an edit the child never made";
    EXPECT_GE(edit, requiredEdit(run)) << "run " << runs << ": lost edits older than " << AllowedLoss.count()
                                       << " s before the kill";
    if (requiredEdit(run) > run.start) {
      ++checkedAgainstDeadline;
    }
    const auto backup = core::annotationBackupPath(annotationPath);
    if (std::filesystem::exists(backup)) {
      EXPECT_NO_THROW(core::readAnnotationFile(backup)) << "run " << runs << ": invalid backup";
    }
    onDisk = edit;
    lastPrinted = run.edits.back().edit;
  }

  EXPECT_GE(autosaves, MinimumAutosaves);
  // Without runs longer than AllowedLoss the loss bound would never be tested.
  EXPECT_GT(checkedAgainstDeadline, 0);
  std::printf("[ figures  ] %d runs killed with SIGKILL, %lu autosaves, %d runs checked against the %lld s "
              "loss bound, every file intact\n",
              runs, autosaves, checkedAgainstDeadline, static_cast<long long>(AllowedLoss.count()));
  std::filesystem::remove_all(workspace);
}

}  // namespace
}  // namespace spinemark::testing
