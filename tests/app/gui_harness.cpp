#include "app/gui_harness.h"

#include <gtest/gtest.h>
#include <stb_image.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace spinemark::testing {
namespace {

std::string shellQuote(const std::string& text)
{
  std::string quoted = "'";
  for (char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

// Fails the calling test when a child built with sanitizers reported an error. The children inherit
// ASAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS, and every ASan, LSan and UBSan report ends with a
// SUMMARY line. Checked here because tests that expect a non-zero exit code would otherwise pass.
void expectNoSanitizerReport(const std::string& output)
{
  constexpr std::array<const char*, 3> Summaries = {
      "SUMMARY: AddressSanitizer", "SUMMARY: LeakSanitizer", "SUMMARY: UndefinedBehaviorSanitizer"};
  for (const char* summary : Summaries) {
    if (output.find(summary) != std::string::npos) {
      ADD_FAILURE() << "spinemark reported a sanitizer error:\n" << output;
      return;
    }
  }
}

RunResult runCommand(std::string command)
{
  const auto scratch = std::filesystem::temp_directory_path() /
                       ("spinemark-run-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
  const std::string outPath = scratch.string() + ".out";
  const std::string errPath = scratch.string() + ".err";
  command += " >" + shellQuote(outPath) + " 2>" + shellQuote(errPath) + " </dev/null";

  RunResult result;
  const int status = std::system(command.c_str());
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.stdoutText = readText(outPath);
  result.output = result.stdoutText + readText(errPath);
  std::filesystem::remove(outPath);
  std::filesystem::remove(errPath);
  expectNoSanitizerReport(result.output);
  return result;
}

std::string spinemarkCommand(const std::vector<std::string>& args)
{
  std::string command = shellQuote(SPINEMARK_EXECUTABLE);
  for (const auto& arg : args) {
    command += " " + shellQuote(arg);
  }
  return command;
}

}  // namespace

RunResult runSpinemark(const std::vector<std::string>& args)
{
  return runCommand(spinemarkCommand(args));
}

bool canSwitchKeyboardLayout()
{
  return std::system("command -v xvfb-run >/dev/null 2>&1 && command -v setxkbmap >/dev/null 2>&1") == 0;
}

RunResult runSpinemarkWithLayout(const std::string& layout, const std::vector<std::string>& args)
{
  // -noreset matters: without it the server drops the layout as soon as setxkbmap disconnects,
  // because it resets when its last client leaves.
  const std::string inner = "setxkbmap " + shellQuote(layout) + " && exec " + spinemarkCommand(args);
  return runCommand("xvfb-run -a -s '-screen 0 1280x1024x24 -nolisten tcp -noreset' sh -c " + shellQuote(inner));
}

bool haveDisplay()
{
  const char* display = std::getenv("DISPLAY");
  return display && *display;
}

RgbImage readRgbPng(const std::filesystem::path& path)
{
  RgbImage image;
  int channels = 0;
  unsigned char* data = stbi_load(path.string().c_str(), &image.width, &image.height, &channels, 3);
  if (!data) {
    throw std::runtime_error("cannot read PNG " + path.string());
  }
  image.rgb.assign(data, data + static_cast<std::size_t>(image.width) * image.height * 3);
  stbi_image_free(data);
  return image;
}

int countColor(const RgbImage& image, std::uint8_t r, std::uint8_t g, std::uint8_t b, int tolerance)
{
  int count = 0;
  for (std::size_t i = 0; i + 2 < image.rgb.size(); i += 3) {
    if (std::abs(image.rgb[i] - r) <= tolerance && std::abs(image.rgb[i + 1] - g) <= tolerance &&
        std::abs(image.rgb[i + 2] - b) <= tolerance) {
      ++count;
    }
  }
  return count;
}

void writeText(const std::filesystem::path& path, const std::string& text)
{
  std::filesystem::create_directories(path.parent_path());
  std::ofstream file(path, std::ios::binary);
  file << text;
}

std::string scriptLine(const char* command, double x, double y)
{
  std::ostringstream line;
  line.precision(17);
  line << command << " " << x << " " << y << "\n";
  return line.str();
}

std::string readText(const std::filesystem::path& path)
{
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace spinemark::testing
