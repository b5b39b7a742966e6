// Workbench's asynchronous opening on the sample workspace: requestImage and poll, prefetched
// images opening within the request, and unreadable files skipped in the requested direction.
#include "core/workbench.h"

#include "core/phantom.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace spinemark::core {
namespace {

namespace fs = std::filesystem;

// Polls until no image is pending; the 20 s limit only keeps a broken loader from hanging the suite.
bool pollUntilOpen(Workbench& workbench)
{
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (workbench.pendingIndex() >= 0 && std::chrono::steady_clock::now() < deadline) {
    workbench.poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return workbench.pendingIndex() < 0;
}

bool waitUntilIdle(const Workbench& workbench)
{
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (workbench.decoding() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return !workbench.decoding();
}

class WorkbenchLoading : public ::testing::Test {
 protected:
  void SetUp() override
  {
    m_folder = spinemark::testing::makeScratchDir("workbench-loading");
    writeSampleWorkspace(m_folder / "workspace");
  }
  void TearDown() override { fs::remove_all(m_folder); }

  Workbench makeWorkbench(int prefetch)
  {
    WorkbenchOptions options{"tester", Level::L5};
    options.cache.prefetch = prefetch;
    return Workbench(openWorkspace(m_folder / "workspace", m_folder / "annotations"), options);
  }

  fs::path m_folder;
};

TEST_F(WorkbenchLoading, RequestOpensAfterDecode)
{
  Workbench workbench = makeWorkbench(0);
  ASSERT_EQ(workbench.workspace().images.size(), 3u);
  workbench.requestImage(1);
  EXPECT_FALSE(workbench.hasImage());
  ASSERT_TRUE(pollUntilOpen(workbench));
  ASSERT_TRUE(workbench.hasImage());
  EXPECT_EQ(workbench.currentIndex(), 1);
  EXPECT_EQ(workbench.session().annotation().image.sha256.size(), 64u);
}

TEST_F(WorkbenchLoading, PrefetchedImageOpensWithinRequest)
{
  Workbench workbench = makeWorkbench(1);
  workbench.requestImage(0);
  ASSERT_TRUE(pollUntilOpen(workbench));
  ASSERT_TRUE(waitUntilIdle(workbench));
  EXPECT_TRUE(workbench.isCached(1));
  ASSERT_TRUE(workbench.requestNext());
  // No poll: the decoded neighbour opens inside requestNext.
  EXPECT_EQ(workbench.pendingIndex(), -1);
  EXPECT_EQ(workbench.currentIndex(), 1);
}

TEST_F(WorkbenchLoading, CurrentImageStaysOpenWhileLoading)
{
  Workbench workbench = makeWorkbench(0);
  workbench.requestImage(0);
  ASSERT_TRUE(pollUntilOpen(workbench));
  ASSERT_TRUE(workbench.requestNext());
  EXPECT_EQ(workbench.pendingIndex(), 1);
  EXPECT_EQ(workbench.currentIndex(), 0);
  EXPECT_TRUE(workbench.hasImage());
  ASSERT_TRUE(pollUntilOpen(workbench));
  EXPECT_EQ(workbench.currentIndex(), 1);
}

TEST_F(WorkbenchLoading, UnreadableImageSkippedForward)
{
  // The AP phantom cut in half: found by the scan, rejected by the decoder (truncated Pixel Data).
  const fs::path source = m_folder / "workspace" / "ap" / "phantom-ap.dcm";
  const fs::path brokenPath = m_folder / "workspace" / "ap" / "phantom-ap-z-broken.dcm";
  fs::copy_file(source, brokenPath);
  fs::resize_file(brokenPath, fs::file_size(source) / 2);
  Workbench workbench = makeWorkbench(0);
  ASSERT_EQ(workbench.workspace().images.size(), 4u);
  const auto& images = workbench.workspace().images;
  int broken = -1;
  for (std::size_t i = 0; i < images.size(); ++i) {
    if (images[i].relativePath == "ap/phantom-ap-z-broken.dcm") {
      broken = static_cast<int>(i);
    }
  }
  ASSERT_GT(broken, 0);
  workbench.requestImage(broken - 1);
  ASSERT_TRUE(pollUntilOpen(workbench));
  ASSERT_TRUE(workbench.requestNext());
  ASSERT_TRUE(pollUntilOpen(workbench));
  EXPECT_EQ(workbench.currentIndex(), broken + 1);
  EXPECT_EQ(workbench.progress(broken), ImageProgress::Unreadable);
  bool reported = false;
  for (const auto& message : workbench.takeMessages()) {
    reported = reported || (message.severity == MessageSeverity::Error &&
                            message.text.find("phantom-ap-z-broken.dcm") != std::string::npos);
  }
  EXPECT_TRUE(reported);
}

}  // namespace
}  // namespace spinemark::core
