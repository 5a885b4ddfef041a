// Every sxctl command and option, as data: the parser checks invocations
// against it, help is rendered from it, and main dispatches through it.
#pragma once

#include <vector>

#include "client_sdk/sxctl/command_line.h"

namespace sx::sxctl {

// In the order `sxctl --help` lists them.
const std::vector<CommandSpec>& Commands();

// Options every command accepts: output format, help, connection settings.
const std::vector<OptionSpec>& GlobalOptions();

}  // namespace sx::sxctl
