// sxctl: the command-line client of the supervision exchange hub, built on
// the C++ SDK alone. This file only dispatches: parse the command line,
// resolve connection settings, run the command, map the outcome to an exit
// status (0 success, 1 failed call, 2 usage error; see `sxctl --help`).
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "command_context.h"
#include "command_line.h"
#include "command_table.h"
#include "connection_settings.h"
#include "help_text.h"
#include "output.h"
#include "sx/client/exchange_client.h"
#include "utf8.h"

namespace sx::sxctl {
namespace {

constexpr int kExitSuccess = 0;
constexpr int kExitCallFailed = 1;
constexpr int kExitUsage = 2;

int ShowHelp(const Invocation& invocation) {
  if (invocation.command != nullptr) {
    std::cout << CommandHelp(*invocation.command, GlobalOptions());
  } else if (!invocation.partial_command.empty()) {
    std::cout << GroupHelp(invocation.partial_command, Commands());
  } else {
    std::cout << GeneralHelp(Commands(), GlobalOptions());
  }
  return kExitSuccess;
}

int ShowUsageError(const std::string& error, const Invocation& invocation) {
  std::cerr << "sxctl: " << TerminalSafe(error) << "\n";
  if (invocation.command != nullptr) {
    std::cerr << UsageLine(*invocation.command) << "\n"
              << "Run 'sxctl " << invocation.command->name
              << " --help' for its options.\n";
  } else if (!invocation.partial_command.empty()) {
    std::cerr << GroupHelp(invocation.partial_command, Commands());
  } else {
    std::cerr << "usage: sxctl [global options] COMMAND [ARGS] [options]\n"
              << "Run 'sxctl --help' for the commands.\n";
  }
  return kExitUsage;
}

// The hub's status code and message; never anything from a lead.
int ShowFailure(const absl::Status& status) {
  std::cerr << "sxctl: " << absl::StatusCodeToString(status.code()) << ": "
            << TerminalSafe(status.message()) << "\n";
  return kExitCallFailed;
}

int Run(const std::vector<std::string>& args) {
  const CommandLineParser parser(Commands(), GlobalOptions());
  const ParseResult parsed = parser.Parse(args);
  const Invocation& invocation = parsed.invocation;
  if (invocation.help) return ShowHelp(invocation);
  if (!parsed.error.empty()) return ShowUsageError(parsed.error, invocation);

  absl::StatusOr<client::ClientOptions> options =
      ResolveClientOptions(invocation, ProcessEnvironment());
  if (!options.ok()) {
    std::cerr << "sxctl: " << TerminalSafe(options.status().message()) << "\n";
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<client::ExchangeClient>> client =
      client::ConnectExchangeClient(*options);
  if (!client.ok()) return ShowFailure(client.status());

  Output output(
      invocation.Has("json") ? OutputFormat::kJson : OutputFormat::kText,
      std::cout);
  const CommandContext context{invocation, **client, output};
  const absl::Status status = invocation.command->run(context);
  std::cout.flush();
  if (IsUsageError(status)) {
    return ShowUsageError(std::string(status.message()), invocation);
  }
  if (!status.ok()) return ShowFailure(status);
  if (!std::cout) {
    std::cerr << "sxctl: cannot write to standard output\n";
    return kExitCallFailed;
  }
  return kExitSuccess;
}

}  // namespace
}  // namespace sx::sxctl

int main(int argc, char** argv) {
  return sx::sxctl::Run(std::vector<std::string>(argv + 1, argv + argc));
}
