// GUI test of a damaged image: the app starts on a workspace whose first image is a damaged DICOM
// file, reports it by name, and shows the next image instead of stopping.
#include "app/gui_harness.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

using spinemark::testing::runSpinemark;
using spinemark::testing::writeText;

// The "shown" column (7th) of every frame of a `--frame-log` file (docs/scripting.md).
std::vector<int> shownIndices(const std::filesystem::path& path)
{
  std::ifstream file(path);
  std::string line;
  std::getline(file, line);  // header
  std::vector<int> shown;
  while (std::getline(file, line)) {
    std::istringstream fields(line);
    std::string skipped;
    int index = -1;
    for (int column = 0; column < 6; ++column) {
      fields >> skipped;
    }
    if (fields >> index) {
      shown.push_back(index);
    }
  }
  return shown;
}

TEST(GuiDamagedImage, ReportedThenNextShown)
{
  if (!spinemark::testing::haveDisplay()) {
    GTEST_SKIP() << "no X display";
  }
  const auto scratch = spinemark::testing::makeScratchDir("gui-damaged-image");
  const auto workspace = scratch / "workspace";
  const auto made = runSpinemark({"sample-workspace", workspace.string()});
  ASSERT_EQ(made.exitCode, 0) << made.output;
  // Sorts before the sample's ap/ and lateral/ folders, so it is image 0. The DICM magic makes
  // the workspace list it as DICOM; the bytes after it are no valid data set.
  std::string damaged(128, '\0');
  damaged += "DICM";
  damaged += std::string(300, '\x5A');
  std::ofstream(workspace / "0-damaged.dcm", std::ios::binary) << damaged;

  const auto script = scratch / "script.txt";
  // The damaged file's decode fails first; only then is image 1 requested and decoded.
  writeText(script, "wait-prefetch\nwait 3\nwait-prefetch\nwait 10\nquit\n");
  const auto log = scratch / "frames.txt";
  const auto run = runSpinemark({workspace.string(), "--annotations", (scratch / "annotations").string(), "--script",
                                 script.string(), "--window-size", "1000x800", "--frame-log", log.string()});
  ASSERT_EQ(run.exitCode, 0) << run.output;
  EXPECT_NE(run.output.find("0-damaged.dcm"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("truncated or damaged"), std::string::npos) << run.output;
  const std::vector<int> shown = shownIndices(log);
  ASSERT_FALSE(shown.empty());
  EXPECT_EQ(shown.back(), 1);
}

}  // namespace
