// spinemark entry point: the GUI by default, plus subcommands that need no window
// (export, sample-workspace) or only an offscreen context (render).
#include "app/application.h"
#include "app/commands.h"
#include "app/logging.h"
#include "core/allocator_policy.h"
#include "core/levels.h"
#include "core/workspace.h"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <pwd.h>
#include <unistd.h>

namespace {

using namespace spinemark;

std::string defaultUser()
{
  if (const passwd* entry = ::getpwuid(::getuid()); entry && entry->pw_name) {
    return entry->pw_name;
  }
  const char* user = std::getenv("USER");
  return user ? user : "unknown";
}

core::Workspace openInputs(const app::GuiOptions& options, core::OpenProgress& progress)
{
  if (options.inputs.size() == 1 && std::filesystem::is_directory(options.inputs.front())) {
    return core::openWorkspace(options.inputs.front(), options.annotationsDir, &progress);
  }
  return core::workspaceFromFiles(options.inputs, options.annotationsDir);
}

int runGuiCommand(app::GuiOptions options, const std::string& startLevel)
{
  if (const auto level = core::parseLevel(startLevel)) {
    options.startLevel = *level;
  } else {
    std::cerr << "spinemark: unknown start level '" << startLevel << "' (use L6..L1, T13..T1)\n";
    return 2;
  }
  try {
    core::WorkbenchOptions workbenchOptions;
    workbenchOptions.user = options.user;
    workbenchOptions.startLevel = options.startLevel;
    workbenchOptions.cache = options.cache;
    // The workspace opens on a background thread; the window shows its progress when it is slow.
    auto opener = std::make_unique<core::WorkspaceOpener>([options, workbenchOptions](core::OpenProgress& progress) {
      // openWorkspace and workspaceFromFiles log what they opened.
      return std::make_unique<core::Workbench>(openInputs(options, progress), workbenchOptions, &progress);
    });
    app::Application application(options, std::move(opener));
    return application.run();
  } catch (const std::exception& error) {
    spdlog::critical("{}", error.what());
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv)
{
  // Before any decoder thread starts: image buffers get their own mappings (docs/architecture.md).
  core::applyAllocatorPolicy();
  CLI::App cli{"spinemark " SPINEMARK_VERSION ": landmark annotation of spine X-rays"};
  cli.set_version_flag("--version", SPINEMARK_VERSION);
  cli.require_subcommand(0, 1);

  app::GuiOptions gui;
  gui.user = defaultUser();
  std::vector<std::string> inputs;
  std::string startLevel = "L5";
  std::string windowSize;
  std::string logLevel = "info";
  cli.add_option("inputs", inputs, "A workspace folder, or image files (DICOM, PNG, JPEG)");
  cli.add_option("--annotations", gui.annotationsDir, "Folder for annotation files (default WORKSPACE/annotations)");
  cli.add_option("--user", gui.user, "Annotator name recorded in the files (default: the OS user)");
  cli.add_option("--start-level", startLevel, "First vertebra on a new image (default L5)");
  cli.add_option("--script", gui.script, "Drive the GUI from an input script (see docs/scripting.md)");
  cli.add_flag("--review", gui.review, "Start in review mode: the review queue and the reviewer's actions");
  cli.add_option("--keymap", gui.keymap, "JSON keymap overriding the default keys (default ~/.config/spinemark/keymap.json)");
  cli.add_option("--window-size", windowSize, "Window size in logical pixels, WIDTHxHEIGHT (default 1400x900)");
  cli.add_option("--log-level", logLevel, "trace, debug, info, warn, error (default info)");
  cli.add_option("--prefetch", gui.cache.prefetch,
                 "Images decoded ahead on each side of the open one (default 2, 0 turns prefetching off)")
      ->check(CLI::Range(0, 64));
  std::size_t cacheMb = gui.cache.budgetBytes >> 20;
  cli.add_option("--cache-mb", cacheMb, "Memory for decoded images, in MiB (default 512)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  cli.add_option("--decode-threads", gui.cache.workers, "Threads that decode images (default 2)")
      ->check(CLI::Range(1, 16));
  cli.add_option("--frame-log", gui.frameLog, "Write one line of facts per frame to this file (docs/scripting.md)");

  app::SubcommandList commands;
  app::addFileCommands(cli, commands);
  app::addAssistCommands(cli, commands);
  app::addQualityCommands(cli, commands);

  CLI11_PARSE(cli, argc, argv);
  gui.cache.budgetBytes = cacheMb << 20;
  const bool isGui = cli.get_subcommands().empty();
  app::setUpLogging(isGui ? logLevel : (logLevel == "info" ? "warn" : logLevel), isGui);

  for (const auto& command : commands) {
    if (command.parser->parsed()) {
      return command.run();
    }
  }

  if (inputs.empty()) {
    std::cerr << "spinemark: give a workspace folder or image files (see --help)\n";
    return 2;
  }
  for (const auto& input : inputs) {
    gui.inputs.emplace_back(input);
  }
  if (!windowSize.empty() && std::sscanf(windowSize.c_str(), "%dx%d", &gui.windowWidth, &gui.windowHeight) != 2) {
    std::cerr << "spinemark: invalid --window-size '" << windowSize << "' (use WIDTHxHEIGHT, e.g. 1400x900)\n";
    return 2;
  }
  return runGuiCommand(std::move(gui), startLevel);
}
