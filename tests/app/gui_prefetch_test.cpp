// GUI tests of background decoding and texture upload. With prefetching, the frame that handles
// Page Down already draws the next image, whose texture went up in earlier frames, and no frame
// uploads more than the per-frame budget. Without it, that frame still shows the old image while
// the next decodes. All read the per-frame facts of `spinemark --frame-log`.
#include "app/gui_harness.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

namespace {

using spinemark::testing::runSpinemark;
using spinemark::testing::writeText;

// One line of the frame log (columns in docs/scripting.md).
struct LoggedFrame {
  int frame = 0;
  double timeMs = 0;
  double workUs = 0;
  double cpuUs = 0;
  int events = 0;
  int keys = 0;
  int shown = -1;
  int pending = -1;
  int decoding = 0;
  int uploaded = 0;
  std::size_t uploadBytes = 0;
  double uploadUs = 0;
};

// Texture bytes the app uploads ahead of time per frame (FrameUploadBytes in app/application.cpp).
// Each image stepped to (1000x2000 and 1200x2000 samples, 5.3 and 6.4 MB with mipmaps) is larger.
constexpr std::size_t FrameUploadBudget = std::size_t{4} << 20;

std::vector<LoggedFrame> readFrameLog(const std::filesystem::path& path)
{
  std::ifstream file(path);
  std::string line;
  std::getline(file, line);  // header
  std::vector<LoggedFrame> frames;
  while (std::getline(file, line)) {
    std::istringstream fields(line);
    LoggedFrame frame;
    fields >> frame.frame >> frame.timeMs >> frame.workUs >> frame.cpuUs >> frame.events >> frame.keys >>
        frame.shown >> frame.pending >> frame.decoding >> frame.uploaded >> frame.uploadBytes >> frame.uploadUs;
    if (fields) {
      frames.push_back(frame);
    }
  }
  return frames;
}

class GuiPrefetch : public ::testing::Test {
 protected:
  void SetUp() override
  {
    if (!spinemark::testing::haveDisplay()) {
      GTEST_SKIP() << "no X display";
    }
    m_scratch = spinemark::testing::makeScratchDir("gui-prefetch");
    m_workspace = m_scratch / "workspace";
    const auto made = runSpinemark({"sample-workspace", m_workspace.string()});
    ASSERT_EQ(made.exitCode, 0) << made.output;
  }

  // Presses keys (Page Down through the three sample images by default), waiting for every
  // decode and upload to finish before each key press, and returns the frame log.
  std::vector<LoggedFrame> stepThrough(const std::string& prefetch,
                                       const std::vector<std::string>& keys = {"PAGE_DOWN", "PAGE_DOWN"})
  {
    const auto script = m_scratch / "step.txt";
    std::string text;
    for (const std::string& key : keys) {
      text += "wait-prefetch\nkey " + key + "\nwait 3\n";
    }
    writeText(script, text + "quit\n");
    const auto log = m_scratch / ("frames-" + prefetch + ".txt");
    const auto run = runSpinemark({m_workspace.string(), "--annotations", (m_scratch / "annotations").string(),
                                   "--script", script.string(), "--window-size", "1200x900", "--prefetch",
                                   prefetch, "--frame-log", log.string()});
    EXPECT_EQ(run.exitCode, 0) << run.output;
    return readFrameLog(log);
  }

  static std::vector<LoggedFrame> keyFrames(const std::vector<LoggedFrame>& frames)
  {
    std::vector<LoggedFrame> pressed;
    for (const auto& frame : frames) {
      if (frame.keys > 0) {
        pressed.push_back(frame);
      }
    }
    return pressed;
  }

  std::filesystem::path m_scratch;
  std::filesystem::path m_workspace;
};

TEST_F(GuiPrefetch, PrefetchedImageDrawnInKeyFrame)
{
  const auto frames = stepThrough("2");
  const auto pressed = keyFrames(frames);
  ASSERT_EQ(pressed.size(), 2u);
  for (std::size_t i = 0; i < pressed.size(); ++i) {
    const int expected = static_cast<int>(i) + 1;
    EXPECT_EQ(pressed[i].shown, expected) << "key frame " << pressed[i].frame;
    EXPECT_EQ(pressed[i].uploaded, 0) << "key frame " << pressed[i].frame;
    EXPECT_EQ(pressed[i].uploadBytes, 0u) << "key frame " << pressed[i].frame;
    EXPECT_EQ(pressed[i].pending, -1) << "key frame " << pressed[i].frame;
  }
  EXPECT_EQ(frames.back().shown, 2);
}

// With one neighbour prefetched, stepping back makes the image two steps behind a neighbour
// again while it is still decoded in memory, so its upload is queued in the key frame. The upload
// must start in a later frame.
TEST_F(GuiPrefetch, SteppingBackUploadsNothingInKeyFrame)
{
  const auto frames = stepThrough("1", {"PAGE_DOWN", "PAGE_DOWN", "PAGE_UP", "PAGE_UP"});
  const auto pressed = keyFrames(frames);
  ASSERT_EQ(pressed.size(), 4u);
  const int expectedShown[] = {1, 2, 1, 0};
  std::size_t aheadBytes = 0;
  for (std::size_t i = 0; i < pressed.size(); ++i) {
    EXPECT_EQ(pressed[i].shown, expectedShown[i]) << "key frame " << pressed[i].frame;
    EXPECT_EQ(pressed[i].uploadBytes, 0u) << "key frame " << pressed[i].frame;
  }
  for (const auto& frame : frames) {
    if (frame.frame > pressed[2].frame) {
      aheadBytes += frame.uploadBytes;
    }
  }
  // Image 0's texture went up again after the first Page Up, between the key frames.
  EXPECT_GT(aheadBytes, 0u);
}

TEST_F(GuiPrefetch, NoFrameUploadsMoreThanBudget)
{
  const auto frames = stepThrough("2");
  // The first image is shown before anything is prefetched, so its frame uploads it whole.
  const auto firstShown =
      std::find_if(frames.begin(), frames.end(), [](const LoggedFrame& frame) { return frame.shown >= 0; });
  ASSERT_NE(firstShown, frames.end());
  EXPECT_EQ(firstShown->uploaded, 1);

  std::size_t aheadBytes = 0;
  int uploadingFrames = 0;
  for (auto frame = std::next(firstShown); frame != frames.end(); ++frame) {
    EXPECT_LE(frame->uploadBytes, FrameUploadBudget) << "frame " << frame->frame;
    EXPECT_EQ(frame->uploaded, 0) << "frame " << frame->frame;
    aheadBytes += frame->uploadBytes;
    uploadingFrames += frame->uploadBytes > 0 ? 1 : 0;
  }
  // Images 1 and 2 (11.7 MB) went up ahead of time, which takes at least three frames.
  EXPECT_GT(aheadBytes, 2 * FrameUploadBudget);
  EXPECT_GE(uploadingFrames, 3);
}

TEST_F(GuiPrefetch, WithoutPrefetchKeyFrameShowsOldImage)
{
  const auto frames = stepThrough("0");
  const auto pressed = keyFrames(frames);
  ASSERT_EQ(pressed.size(), 2u);
  EXPECT_EQ(pressed[0].shown, 0);
  EXPECT_EQ(pressed[0].pending, 1);
  EXPECT_EQ(pressed[1].shown, 1);
  EXPECT_EQ(pressed[1].pending, 2);
  // The image still arrives, in a later frame.
  EXPECT_EQ(frames.back().shown, 2);
}

}  // namespace
