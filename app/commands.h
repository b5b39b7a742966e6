// Command-line subcommands. Each area adds its own subcommands to the CLI11 parser together
// with the function that runs them, so main.cpp only dispatches.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

namespace spinemark::app {

struct Subcommand {
  CLI::App* parser = nullptr;
  std::function<int()> run;  // returns the process exit code
};

using SubcommandList = std::vector<Subcommand>;

// export, render and sample-workspace.
void addFileCommands(CLI::App& cli, SubcommandList& commands);
// learn, assist-eval and replay: the landmark predictor (app/assist_commands.cpp).
void addAssistCommands(CLI::App& cli, SubcommandList& commands);
// import, check and report: ground truth, quality findings and KPIs (app/quality_commands.cpp).
void addQualityCommands(CLI::App& cli, SubcommandList& commands);

}  // namespace spinemark::app
