// Running the real spinemark executable from tests and reading what it wrote.
#pragma once

#include "core/annotation.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace spinemark::testing {

struct RunResult {
  int exitCode = -1;
  std::string output;  // standard output followed by standard error
  std::string stdoutText;
};

// Runs spinemark with args (no shell interpretation of the arguments) and waits for it.
RunResult runSpinemark(const std::vector<std::string>& args);

// Runs spinemark on a private Xvfb whose keyboard layout is set with `setxkbmap LAYOUT` first, so
// that the layout of the display the other tests share stays untouched.
RunResult runSpinemarkWithLayout(const std::string& layout, const std::vector<std::string>& args);

// True when xvfb-run and setxkbmap (Debian packages xvfb and x11-xkb-utils) are installed.
bool canSwitchKeyboardLayout();

// True when an X display is available to start the GUI on.
bool haveDisplay();

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;  // 3 bytes per pixel, top row first

  const std::uint8_t* at(int x, int y) const { return &rgb[(static_cast<std::size_t>(y) * width + x) * 3]; }
};
RgbImage readRgbPng(const std::filesystem::path& path);

// Counts pixels within tolerance of the colour (per channel).
int countColor(const RgbImage& image, std::uint8_t r, std::uint8_t g, std::uint8_t b, int tolerance);

void writeText(const std::filesystem::path& path, const std::string& text);

// "command X Y\n" with X and Y printed exactly (17 significant digits), for input scripts.
std::string scriptLine(const char* command, double x, double y);
inline std::string scriptLine(const char* command, core::Point point)
{
  return scriptLine(command, point.x, point.y);
}
std::string readText(const std::filesystem::path& path);

}  // namespace spinemark::testing
