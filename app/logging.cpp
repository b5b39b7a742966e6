#include "app/logging.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace spinemark::app {
namespace {

std::filesystem::path stateFolder()
{
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state) {
    return std::filesystem::path(state) / "spinemark";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".local" / "state" / "spinemark";
  }
  return {};
}

}  // namespace

void setUpLogging(const std::string& level, bool toFile)
{
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  std::string fileProblem;
  if (toFile) {
    const auto folder = stateFolder();
    std::error_code error;
    if (!folder.empty() && std::filesystem::create_directories(folder, error); !folder.empty() && !error) {
      try {
        constexpr std::size_t maxBytes = 5 * 1024 * 1024;
        sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>((folder / "spinemark.log").string(),
                                                                               maxBytes, 3));
      } catch (const spdlog::spdlog_ex& problem) {
        fileProblem = problem.what();
      }
    } else {
      fileProblem = "cannot create log folder " + folder.string();
    }
  }
  auto logger = std::make_shared<spdlog::logger>("spinemark", sinks.begin(), sinks.end());
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  if (!fileProblem.empty()) {
    spdlog::warn("logging to stderr only: {}", fileProblem);
  }
}

}  // namespace spinemark::app
