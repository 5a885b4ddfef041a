// Help and usage text, rendered from the same CommandSpec/OptionSpec tables
// the parser checks against, so that help can never drift from what is
// actually accepted.
#pragma once

#include <string>
#include <vector>

#include "client_sdk/sxctl/command_line.h"

namespace sx::sxctl {

// "sxctl --help": every command, global options, settings, exit status.
std::string GeneralHelp(const std::vector<CommandSpec>& commands,
                        const std::vector<OptionSpec>& global_options);

// "sxctl inbox --help": the subcommands of a command group.
std::string GroupHelp(const std::string& group,
                      const std::vector<CommandSpec>& commands);

// "sxctl COMMAND --help": the command's arguments and every option.
std::string CommandHelp(const CommandSpec& command,
                        const std::vector<OptionSpec>& global_options);

// One line for usage errors: "usage: sxctl show ID [options]".
std::string UsageLine(const CommandSpec& command);

}  // namespace sx::sxctl
