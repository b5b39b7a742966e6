#include "core/input_script.h"

#include <gtest/gtest.h>

using spinemark::core::parseInputScript;
using spinemark::core::ScriptAction;
using spinemark::core::ScriptError;

TEST(InputScript, ParsesEveryCommand)
{
  const auto events = parseInputScript(
      "# comment\n"
      "key ctrl+shift+z\n"
      "move 10.25 20.5\n"
      "\n"
      "click 1 2\n"
      "drag 1 2 3.5 4\n"
      "move-screen 100 200\n"
      "click-screen 5 6\n"
      "wait 3\n"
      "screenshot out dir/shot 1.png\n"
      "quit\n",
      "test");
  ASSERT_EQ(events.size(), 9u);
  EXPECT_EQ(events[0].action, ScriptAction::Key);
  EXPECT_EQ(events[0].key, "Z");
  EXPECT_TRUE(events[0].ctrl);
  EXPECT_TRUE(events[0].shift);
  EXPECT_FALSE(events[0].alt);
  EXPECT_EQ(events[0].line, 2);
  EXPECT_EQ(events[1].action, ScriptAction::Move);
  EXPECT_DOUBLE_EQ(events[1].x0, 10.25);
  EXPECT_DOUBLE_EQ(events[1].y0, 20.5);
  EXPECT_EQ(events[2].action, ScriptAction::Click);
  EXPECT_EQ(events[3].action, ScriptAction::Drag);
  EXPECT_DOUBLE_EQ(events[3].x1, 3.5);
  EXPECT_DOUBLE_EQ(events[3].y1, 4.0);
  EXPECT_EQ(events[4].action, ScriptAction::MoveScreen);
  EXPECT_EQ(events[5].action, ScriptAction::ClickScreen);
  EXPECT_EQ(events[6].action, ScriptAction::Wait);
  EXPECT_EQ(events[6].frames, 3);
  EXPECT_EQ(events[7].action, ScriptAction::Screenshot);
  EXPECT_EQ(events[7].path, "out dir/shot 1.png");
  EXPECT_EQ(events[8].action, ScriptAction::Quit);
}

TEST(InputScript, KeyNamesAreUpperCased)
{
  const auto events = parseInputScript("key page_down\nkey shift+space\n", "test");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].key, "PAGE_DOWN");
  EXPECT_EQ(events[1].key, "SPACE");
  EXPECT_TRUE(events[1].shift);
}

TEST(InputScript, ErrorNamesSourceAndLine)
{
  try {
    parseInputScript("wait 1\njump 3\n", "demo.txt");
    FAIL() << "expected ScriptError";
  } catch (const ScriptError& error) {
    EXPECT_NE(std::string(error.what()).find("demo.txt:2"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("jump"), std::string::npos) << error.what();
  }
}

TEST(InputScript, RejectsMalformedArguments)
{
  EXPECT_THROW(parseInputScript("move 1\n", "t"), ScriptError);
  EXPECT_THROW(parseInputScript("move 1 abc\n", "t"), ScriptError);
  EXPECT_THROW(parseInputScript("wait 1.5\n", "t"), ScriptError);
  EXPECT_THROW(parseInputScript("wait -2\n", "t"), ScriptError);
  EXPECT_THROW(parseInputScript("key hyper+a\n", "t"), ScriptError);
  EXPECT_THROW(parseInputScript("screenshot\n", "t"), ScriptError);
  EXPECT_THROW(parseInputScript("quit now\n", "t"), ScriptError);
}
