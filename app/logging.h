#pragma once

#include <string>

namespace spinemark::app {

// Sends log lines to stderr and, for the GUI, to a rotating file in the user's state folder
// ($XDG_STATE_HOME/spinemark or ~/.local/state/spinemark). level is an spdlog level name.
void setUpLogging(const std::string& level, bool toFile);

}  // namespace spinemark::app
