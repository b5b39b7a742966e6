#include "app/key_table.h"

#include <GLFW/glfw3.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/test_data.h"

namespace {

using spinemark::app::Action;
using spinemark::app::KeyChord;
using spinemark::app::Keymap;
using spinemark::app::logicalKey;
using spinemark::app::parseChord;

TEST(LogicalKey, FollowsPrintedLatinLetter)
{
  // On QWERTZ the key at the US "Y" position prints "z" and the one at "Z" prints "y".
  EXPECT_EQ(logicalKey(GLFW_KEY_Y, "z"), GLFW_KEY_Z);
  EXPECT_EQ(logicalKey(GLFW_KEY_Z, "y"), GLFW_KEY_Y);
  // On AZERTY the US "Q" position prints "a".
  EXPECT_EQ(logicalKey(GLFW_KEY_Q, "a"), GLFW_KEY_A);
  EXPECT_EQ(logicalKey(GLFW_KEY_W, "W"), GLFW_KEY_W);
}

TEST(LogicalKey, KeepsPhysicalKeyForNonLatin)
{
  // A Cyrillic layout prints "я" (two UTF-8 bytes) on the US "Z" key: the shortcut stays Z.
  EXPECT_EQ(logicalKey(GLFW_KEY_Z, "\xD1\x8F"), GLFW_KEY_Z);
  EXPECT_EQ(logicalKey(GLFW_KEY_SPACE, nullptr), GLFW_KEY_SPACE);
  EXPECT_EQ(logicalKey(GLFW_KEY_MINUS, "\xC3\x9F"), GLFW_KEY_MINUS);
}

TEST(LogicalKey, MapsPunctuation)
{
  // The German "-" sits where US keyboards have "/".
  EXPECT_EQ(logicalKey(GLFW_KEY_SLASH, "-"), GLFW_KEY_MINUS);
  EXPECT_EQ(logicalKey(GLFW_KEY_RIGHT_BRACKET, "+"), GLFW_KEY_RIGHT_BRACKET);
  EXPECT_EQ(logicalKey(GLFW_KEY_1, "1"), GLFW_KEY_1);
}

TEST(ParseChord, ModifiersAndNames)
{
  const auto chord = parseChord("ctrl+shift+z");
  ASSERT_TRUE(chord.has_value());
  EXPECT_EQ(chord->key, GLFW_KEY_Z);
  EXPECT_TRUE(chord->ctrl);
  EXPECT_TRUE(chord->shift);
  EXPECT_FALSE(chord->alt);
  EXPECT_EQ(parseChord("page_down")->key, GLFW_KEY_PAGE_DOWN);
  EXPECT_EQ(parseChord("F1")->key, GLFW_KEY_F1);
  EXPECT_FALSE(parseChord("hyper+a").has_value());
  EXPECT_FALSE(parseChord("ctrl+").has_value());
  EXPECT_FALSE(parseChord("nosuchkey").has_value());
}

TEST(Keymap, DefaultsMatchTable)
{
  Keymap keymap;
  EXPECT_EQ(keymap.actionFor(KeyChord{GLFW_KEY_Z, true, false, false}), Action::Undo);
  EXPECT_EQ(keymap.actionFor(KeyChord{GLFW_KEY_SPACE, false, false, false}), Action::PlaceLandmark);
  EXPECT_EQ(keymap.labelFor(Action::Redo), "Ctrl+Y");
  EXPECT_FALSE(keymap.actionFor(KeyChord{GLFW_KEY_Z, false, false, true}).has_value());
}

TEST(Keymap, JsonOverridesAndUnbinds)
{
  const auto dir = spinemark::testing::makeScratchDir("keymap");
  const auto file = dir / "keymap.json";
  std::ofstream(file) << R"({"place_landmark": "enter", "undo": "alt+backspace", "toggle_loupe": "none"})";
  Keymap keymap;
  keymap.loadOverrides(file);
  EXPECT_EQ(keymap.actionFor(KeyChord{GLFW_KEY_ENTER, false, false, false}), Action::PlaceLandmark);
  EXPECT_FALSE(keymap.actionFor(KeyChord{GLFW_KEY_SPACE, false, false, false}).has_value());
  EXPECT_EQ(keymap.actionFor(KeyChord{GLFW_KEY_BACKSPACE, false, false, true}), Action::Undo);
  EXPECT_FALSE(keymap.chordFor(Action::ToggleLoupe).has_value());
  EXPECT_EQ(keymap.labelFor(Action::ToggleLoupe), "unbound");
}

TEST(Keymap, BadFileLeavesKeymapUnchanged)
{
  const auto dir = spinemark::testing::makeScratchDir("keymap-bad");
  const struct {
    const char* text;
    const char* expected;
  } cases[] = {
      {R"({"undo": "ctrl+z", "no_such_action": "x"})", "no_such_action"},
      {R"({"undo": 5})", "must be a string"},
      {R"({"undo": "ctrl+nosuchkey"})", "ctrl+nosuchkey"},
      {R"({"undo": )", "not valid JSON"},
      {R"(["undo"])", "JSON object"},
  };
  for (const auto& testCase : cases) {
    const auto file = dir / "keymap.json";
    std::ofstream(file, std::ios::trunc) << testCase.text;
    Keymap keymap;
    try {
      keymap.loadOverrides(file);
      ADD_FAILURE() << "accepted " << testCase.text;
    } catch (const std::runtime_error& error) {
      EXPECT_NE(std::string(error.what()).find(testCase.expected), std::string::npos) << error.what();
      EXPECT_NE(std::string(error.what()).find(file.string()), std::string::npos) << error.what();
    }
    EXPECT_EQ(keymap.actionFor(KeyChord{GLFW_KEY_Z, true, false, false}), Action::Undo);
  }
}

}  // namespace
