#include "core/input_script.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

namespace spinemark::core {
namespace {

std::vector<std::string> splitWords(const std::string& line)
{
  std::istringstream stream(line);
  std::vector<std::string> words;
  std::string word;
  while (stream >> word) {
    words.push_back(word);
  }
  return words;
}

[[noreturn]] void fail(const std::string& source, int line, const std::string& problem)
{
  throw ScriptError(source + ":" + std::to_string(line) + ": " + problem);
}

double parseNumber(const std::string& text, const std::string& source, int line)
{
  double value = 0.0;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || ptr != end) {
    fail(source, line, "invalid number '" + text + "'");
  }
  return value;
}

void expectArgumentCount(const std::vector<std::string>& words, std::size_t count, const std::string& usage,
                         const std::string& source, int line)
{
  if (words.size() != count + 1) {
    fail(source, line, "expected '" + usage + "'");
  }
}

// Splits "ctrl+shift+z" into modifiers and the key name, which is returned upper case.
void parseKeyChord(const std::string& chord, ScriptEvent& event, const std::string& source, int line)
{
  std::string rest = chord;
  while (true) {
    const auto plus = rest.find('+');
    if (plus == std::string::npos || plus + 1 == rest.size()) {
      break;  // a trailing '+' is the key itself, as in "shift++"
    }
    std::string modifier = rest.substr(0, plus);
    std::transform(modifier.begin(), modifier.end(), modifier.begin(), [](unsigned char c) { return std::tolower(c); });
    if (modifier == "ctrl" || modifier == "control") {
      event.ctrl = true;
    } else if (modifier == "shift") {
      event.shift = true;
    } else if (modifier == "alt") {
      event.alt = true;
    } else if (modifier == "super") {
      event.super = true;
    } else {
      fail(source, line, "unknown modifier '" + modifier + "' (use ctrl, shift, alt or super)");
    }
    rest = rest.substr(plus + 1);
  }
  if (rest.empty()) {
    fail(source, line, "missing key name in '" + chord + "'");
  }
  std::transform(rest.begin(), rest.end(), rest.begin(), [](unsigned char c) { return std::toupper(c); });
  event.key = rest;
}

// Returns the text after the first word, trimmed, so that paths may contain spaces.
std::string restOfLine(const std::string& text)
{
  const auto start = text.find_first_not_of(" \t");
  const auto afterCommand = text.find_first_of(" \t", start);
  const auto argument = text.find_first_not_of(" \t", afterCommand);
  if (afterCommand == std::string::npos || argument == std::string::npos) {
    return {};
  }
  const auto end = text.find_last_not_of(" \t\r");
  return text.substr(argument, end - argument + 1);
}

ScriptEvent parseLine(const std::string& text, const std::vector<std::string>& words, const std::string& source,
                      int line)
{
  ScriptEvent event;
  event.line = line;
  const std::string& command = words[0];
  auto number = [&](std::size_t index) { return parseNumber(words[index], source, line); };

  if (command == "key") {
    expectArgumentCount(words, 1, "key NAME", source, line);
    event.action = ScriptAction::Key;
    parseKeyChord(words[1], event, source, line);
  } else if (command == "move" || command == "click" || command == "move-screen" || command == "click-screen") {
    expectArgumentCount(words, 2, command + " X Y", source, line);
    event.action = command == "move"           ? ScriptAction::Move
                   : command == "click"        ? ScriptAction::Click
                   : command == "move-screen"  ? ScriptAction::MoveScreen
                                               : ScriptAction::ClickScreen;
    event.x0 = number(1);
    event.y0 = number(2);
  } else if (command == "drag") {
    expectArgumentCount(words, 4, "drag X0 Y0 X1 Y1", source, line);
    event.action = ScriptAction::Drag;
    event.x0 = number(1);
    event.y0 = number(2);
    event.x1 = number(3);
    event.y1 = number(4);
  } else if (command == "wait") {
    expectArgumentCount(words, 1, "wait FRAMES", source, line);
    event.action = ScriptAction::Wait;
    const double frames = number(1);
    if (frames < 0 || frames != static_cast<int>(frames)) {
      fail(source, line, "wait takes a whole number of frames, not '" + words[1] + "'");
    }
    event.frames = static_cast<int>(frames);
  } else if (command == "wait-prefetch") {
    expectArgumentCount(words, 0, "wait-prefetch", source, line);
    event.action = ScriptAction::WaitPrefetch;
  } else if (command == "screenshot") {
    event.action = ScriptAction::Screenshot;
    event.path = restOfLine(text);
    if (event.path.empty()) {
      fail(source, line, "expected 'screenshot PATH.png'");
    }
  } else if (command == "quit") {
    expectArgumentCount(words, 0, "quit", source, line);
    event.action = ScriptAction::Quit;
  } else {
    fail(source, line,
         "unknown command '" + command + "' (expected key, move, click, drag, move-screen, click-screen, wait, "
         "wait-prefetch, screenshot or quit)");
  }
  return event;
}

}  // namespace

std::vector<ScriptEvent> parseInputScript(const std::string& text, const std::string& sourceName)
{
  std::vector<ScriptEvent> events;
  std::istringstream stream(text);
  std::string line;
  int lineNumber = 0;
  while (std::getline(stream, line)) {
    ++lineNumber;
    const auto words = splitWords(line);
    if (words.empty() || words[0].front() == '#') {
      continue;
    }
    events.push_back(parseLine(line, words, sourceName, lineNumber));
  }
  return events;
}

std::vector<ScriptEvent> readInputScript(const std::filesystem::path& path)
{
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw ScriptError("cannot read input script " + path.string() + ": file not found or not readable");
  }
  std::ostringstream text;
  text << file.rdbuf();
  return parseInputScript(text.str(), path.string());
}

}  // namespace spinemark::core
