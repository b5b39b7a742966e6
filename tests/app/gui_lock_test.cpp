// The app against an image that another process has locked: it names the holder, writes nothing
// for clicks on the image, and does not take over the lock without the user's confirmation even
// once the holder is gone.
#include "app/gui_harness.h"
#include "core/image_lock.h"
#include "core/phantom.h"
#include "reliability/child_process.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

namespace {

using spinemark::testing::runSpinemark;

TEST(GuiLock, SecondInstanceWritesNothing)
{
  if (!spinemark::testing::haveDisplay()) {
    GTEST_SKIP() << "no X display";
  }
  const auto workspace = spinemark::testing::makeScratchDir("gui-lock");
  spinemark::core::PhantomOptions phantom;
  phantom.width = 256;
  phantom.height = 512;
  phantom.vertebraCount = 2;
  spinemark::core::writePhantomPng(spinemark::core::makePhantom(phantom), workspace / "a.png");
  const auto annotationPath = workspace / "annotations" / "a.png.json";
  const auto script = workspace.parent_path() / (workspace.filename().string() + "-script.txt");
  const auto before = workspace.parent_path() / (workspace.filename().string() + "-before.png");
  const auto after = workspace.parent_path() / (workspace.filename().string() + "-after.png");
  // Screenshots around the clicks show whether the canvas placed a landmark; DELETE comes after
  // them because its rejection message changes the window.
  spinemark::testing::writeText(script, "wait 2\nmove 100.5 200.5\nwait 2\nscreenshot " + before.string() +
                                            "\nclick 100.5 200.5\nwait 2\nscreenshot " + after.string() +
                                            "\nkey DELETE\nwait 2\nquit\n");
  const std::vector<std::string> args{workspace.string(), "--user", "tester", "--script", script.string()};

  spinemark::testing::ChildProcess holder({SPINEMARK_STRESS_HELPER, "hold", workspace.string()});
  ASSERT_TRUE(holder.started());
  const auto line = holder.readLine(spinemark::testing::ChildProcess::Clock::now() + std::chrono::seconds(30));
  ASSERT_TRUE(line.has_value());
  ASSERT_EQ(*line, "holding locked");

  const auto locked = runSpinemark(args);
  EXPECT_EQ(locked.exitCode, 0) << locked.output;
  EXPECT_NE(locked.output.find("being edited by stress"), std::string::npos) << locked.output;
  EXPECT_FALSE(std::filesystem::exists(annotationPath)) << "the second instance wrote the locked image's file";
  EXPECT_NE(locked.output.find("rejected delete_landmark on a read-only image"), std::string::npos) << locked.output;
  const auto shotBefore = spinemark::testing::readRgbPng(before);
  const auto shotAfter = spinemark::testing::readRgbPng(after);
  ASSERT_EQ(shotBefore.rgb.size(), shotAfter.rgb.size());
  EXPECT_TRUE(shotBefore.rgb == shotAfter.rgb) << "a click on the read-only image changed the canvas";

  holder.kill();
  const auto stale = runSpinemark(args);
  EXPECT_EQ(stale.exitCode, 0) << stale.output;
  EXPECT_NE(stale.output.find("looks stale"), std::string::npos) << stale.output;
  EXPECT_FALSE(std::filesystem::exists(annotationPath)) << "a stale lock was taken over without confirmation";
  const auto lock = spinemark::core::readLock(spinemark::core::lockPathFor(annotationPath));
  ASSERT_TRUE(lock.has_value());
  EXPECT_EQ(lock->user, "stress");
}

}  // namespace
