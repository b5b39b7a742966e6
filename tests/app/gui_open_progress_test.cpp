// GUI test of a workspace that opens slowly. One annotation file is a FIFO, so the status reading
// blocks until the test writes to it, far past the delay after which the app shows its progress
// window. The app must then open the workspace and run its script as usual.
#include "app/gui_harness.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <future>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using spinemark::testing::runSpinemark;
using spinemark::testing::writeText;

// Opens fifo for writing once a reader has it open, retrying until deadline. Returns -1 when no
// reader came, so a broken app fails the test instead of hanging it.
int openWhenRead(const fs::path& fifo, std::chrono::steady_clock::time_point deadline)
{
  while (std::chrono::steady_clock::now() < deadline) {
    const int descriptor = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (descriptor >= 0 || errno != ENXIO) {
      return descriptor;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

TEST(GuiOpenProgress, SlowOpenShowsProgressThenRuns)
{
  if (!spinemark::testing::haveDisplay()) {
    GTEST_SKIP() << "no X display";
  }
  const fs::path scratch = spinemark::testing::makeScratchDir("gui-open-progress");
  const fs::path workspace = scratch / "workspace";
  const fs::path annotations = scratch / "annotations";
  ASSERT_EQ(runSpinemark({"sample-workspace", workspace.string()}).exitCode, 0);
  const fs::path fifo = annotations / "ap" / "phantom-ap.dcm.json";
  fs::create_directories(fifo.parent_path());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << fifo;
  const fs::path script = scratch / "quit.txt";
  writeText(script, "quit\n");

  auto run = std::async(std::launch::async, [&] {
    return runSpinemark({workspace.string(), "--annotations", annotations.string(), "--script", script.string(),
                         "--window-size", "800x600", "--log-level", "info"});
  });
  // The opening thread blocks in the FIFO's open. Two seconds are well past the progress delay.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const int descriptor = openWhenRead(fifo, std::chrono::steady_clock::now() + std::chrono::seconds(60));
  ASSERT_GE(descriptor, 0) << "spinemark never read " << fifo;
  const std::string text = "{ not json";
  EXPECT_EQ(::write(descriptor, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(descriptor);
  // Later readers (review summary, predictor) must find a plain file instead of a FIFO without writer.
  writeText(scratch / "plain.json", text);
  fs::rename(scratch / "plain.json", fifo);

  const auto result = run.get();
  EXPECT_EQ(result.exitCode, 0) << result.output;
  EXPECT_NE(result.output.find("showing its progress"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("Opened workspace"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("closing;"), std::string::npos) << result.output;
}

}  // namespace
