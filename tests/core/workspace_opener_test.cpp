// Opening a workspace off the calling thread: the same result as a direct open, progress
// counters, and cancellation of the folder scan, the status reading and a pending opener.
#include "core/workspace_opener.h"

#include "core/phantom.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

namespace spinemark::core {
namespace {

namespace fs = std::filesystem;

class WorkspaceOpenerTest : public ::testing::Test {
 protected:
  void SetUp() override
  {
    m_folder = spinemark::testing::makeScratchDir("workspace-opener");
    writeSampleWorkspace(m_folder / "workspace");
    // One unreadable annotation file makes that image's status differ from the others.
    fs::create_directories(m_folder / "annotations" / "ap");
    std::ofstream(m_folder / "annotations" / "ap" / "phantom-ap.dcm.json") << "{ not json";
  }
  void TearDown() override { fs::remove_all(m_folder); }

  std::unique_ptr<Workbench> open(OpenProgress* progress) const
  {
    WorkbenchOptions options{"tester", Level::L5};
    options.cache.prefetch = 0;
    return std::make_unique<Workbench>(openWorkspace(m_folder / "workspace", m_folder / "annotations", progress),
                                       options, progress);
  }

  fs::path m_folder;
};

TEST_F(WorkspaceOpenerTest, MatchesDirectOpen)
{
  const auto direct = open(nullptr);
  WorkspaceOpener opener([this](OpenProgress& progress) { return open(&progress); });
  const auto background = opener.take();

  ASSERT_EQ(background->workspace().images.size(), direct->workspace().images.size());
  ASSERT_EQ(direct->workspace().images.size(), 3u);
  for (std::size_t i = 0; i < direct->workspace().images.size(); ++i) {
    EXPECT_EQ(background->workspace().images[i].relativePath, direct->workspace().images[i].relativePath);
    EXPECT_EQ(background->progress(static_cast<int>(i)), direct->progress(static_cast<int>(i))) << i;
  }
  EXPECT_EQ(background->workspace().skipped, direct->workspace().skipped);
  EXPECT_EQ(background->workspace().annotationsDir, direct->workspace().annotationsDir);
}

TEST_F(WorkspaceOpenerTest, ReportsProgress)
{
  WorkspaceOpener opener([this](OpenProgress& progress) { return open(&progress); });
  EXPECT_TRUE(opener.waitFor(std::chrono::seconds(60)));
  const auto workbench = opener.take();
  EXPECT_EQ(opener.progress().imagesListed, 3);
  EXPECT_EQ(opener.progress().imagesTotal, 3);
  EXPECT_EQ(opener.progress().statusesRead, 3);
}

TEST_F(WorkspaceOpenerTest, CancelledScanThrows)
{
  OpenProgress progress;
  progress.cancelRequested = true;
  EXPECT_THROW(openWorkspace(m_folder / "workspace", {}, &progress), OpenCancelled);
  EXPECT_EQ(progress.imagesTotal, -1);
}

TEST_F(WorkspaceOpenerTest, CancelledStatusReadingThrows)
{
  Workspace workspace = openWorkspace(m_folder / "workspace", m_folder / "annotations");
  OpenProgress progress;
  progress.cancelRequested = true;
  EXPECT_THROW(Workbench(std::move(workspace), WorkbenchOptions{"tester", Level::L5}, &progress), OpenCancelled);
  EXPECT_EQ(progress.statusesRead, 0);
}

TEST_F(WorkspaceOpenerTest, CancelEndsPendingOpen)
{
  // The open waits for the cancellation, as a scan of a slow network folder would still run.
  WorkspaceOpener opener([this](OpenProgress& progress) {
    while (!progress.cancelRequested) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return open(&progress);
  });
  EXPECT_FALSE(opener.waitFor(std::chrono::milliseconds(20)));
  opener.cancel();
  EXPECT_THROW(opener.take(), OpenCancelled);
}

TEST_F(WorkspaceOpenerTest, DestructorCancelsPendingOpen)
{
  bool cancelled = false;
  {
    WorkspaceOpener opener([&cancelled](OpenProgress& progress) -> std::unique_ptr<Workbench> {
      while (!progress.cancelRequested) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      cancelled = true;
      throw OpenCancelled();
    });
  }
  EXPECT_TRUE(cancelled);
}

}  // namespace
}  // namespace spinemark::core
