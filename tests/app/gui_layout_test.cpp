// Letter shortcuts follow the letter printed on the key in the active X keyboard layout. Each test
// sets a layout with setxkbmap on a private Xvfb, presses physical keys through the input script
// (script key names are US positions, as GLFW names them) and checks which action ran.
#include "app/gui_harness.h"
#include "core/annotation_json.h"
#include "core/levels.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <ostream>

namespace {

using spinemark::core::Level;
using spinemark::testing::runSpinemark;

struct LayoutCase {
  const char* layout;
  const char* physicalKey;  // the US-position key pressed with Ctrl
  int landmarksLeft;        // of three placed: 1 when the key printed Z (undo twice), 3 otherwise
};

void PrintTo(const LayoutCase& layoutCase, std::ostream* out)
{
  *out << layoutCase.layout << " Ctrl+" << layoutCase.physicalKey;
}

class GuiLayout : public ::testing::TestWithParam<LayoutCase> {
 protected:
  void SetUp() override
  {
    if (!spinemark::testing::canSwitchKeyboardLayout()) {
      GTEST_SKIP() << "xvfb-run or setxkbmap missing (Debian packages xvfb, x11-xkb-utils)";
    }
    m_scratch = spinemark::testing::makeScratchDir("gui-layout");
    const auto sampleRun = runSpinemark({"sample-workspace", (m_scratch / "workspace").string()});
    ASSERT_EQ(sampleRun.exitCode, 0) << sampleRun.output;
  }

  std::filesystem::path m_scratch;
};

// Places three landmarks, then presses Ctrl with the case's physical key twice.
TEST_P(GuiLayout, CtrlShortcutFollowsPrintedLetter)
{
  const auto& param = GetParam();
  const auto script = m_scratch / "script.txt";
  const std::string press = std::string("key ctrl+") + param.physicalKey + "\n";
  spinemark::testing::writeText(script, "wait 2\nclick 291 1889\nclick 400 1916\nclick 500 1930\n" + press +
                                            press + "wait 2\nquit\n");
  const auto annotations = m_scratch / "annotations";
  const auto run = spinemark::testing::runSpinemarkWithLayout(
      param.layout, {(m_scratch / "workspace" / "lateral" / "phantom-lateral.dcm").string(), "--annotations",
                     annotations.string(), "--user", "tester", "--script", script.string(), "--window-size",
                     "1200x900"});
  ASSERT_EQ(run.exitCode, 0) << run.output;
  const auto saved = spinemark::core::readAnnotationFile(annotations / "phantom-lateral.dcm.json");
  EXPECT_EQ(saved.vertebrae.at(Level::L5).placedCount(), param.landmarksLeft) << "layout " << param.layout;
}

// de: the key at the US "Y" position prints Z, so Ctrl+it undoes. fr (AZERTY): the US "W" key
// prints Z. ru: letters are Cyrillic, so keys keep their US meaning and Ctrl+Z still undoes.
// us: the US "Y" key is Ctrl+Y, redo, which has nothing to redo here.
INSTANTIATE_TEST_SUITE_P(Layouts, GuiLayout,
                         ::testing::Values(LayoutCase{"de", "y", 1}, LayoutCase{"fr", "w", 1},
                                           LayoutCase{"ru", "z", 1}, LayoutCase{"us", "y", 3}),
                         [](const auto& info) { return std::string(info.param.layout); });

}  // namespace
