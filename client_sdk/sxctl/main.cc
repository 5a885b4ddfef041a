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
#include "client_sdk/sxctl/command_context.h"
#include "client_sdk/sxctl/command_line.h"
#include "client_sdk/sxctl/command_table.h"
#include "client_sdk/sxctl/connection_settings.h"
#include "client_sdk/sxctl/help_text.h"
#include "client_sdk/sxctl/output.h"
#include "client_sdk/sxctl/utf8.h"
#include "sx/base/version.h"
#include "sx/client/admin_client.h"
#include "sx/client/audit_client.h"
#include "sx/client/exchange_client.h"
#include "sx/client/hub_info_client.h"

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

// Fills `*client` with what `connect` (one of the SDK's Connect*Client
// factories) makes of `options`.
template <typename Client>
absl::Status Connect(absl::StatusOr<std::unique_ptr<Client>> (*connect)(
                         const client::ClientOptions&),
                     const client::ClientOptions& options,
                     std::unique_ptr<Client>* client) {
  absl::StatusOr<std::unique_ptr<Client>> connected = connect(options);
  if (!connected.ok()) return connected.status();
  *client = *std::move(connected);
  return absl::OkStatus();
}

int Run(const std::vector<std::string>& args) {
  const CommandLineParser parser(Commands(), GlobalOptions());
  const ParseResult parsed = parser.Parse(args);
  const Invocation& invocation = parsed.invocation;
  if (invocation.help) return ShowHelp(invocation);
  if (invocation.version) {
    std::cout << "sxctl " << kVersion << "\n";
    return kExitSuccess;
  }
  if (!parsed.error.empty()) return ShowUsageError(parsed.error, invocation);

  Output output(
      invocation.Has("json") ? OutputFormat::kJson : OutputFormat::kText,
      std::cout);
  CommandContext context{invocation, output};
  // The client of the service the command names; offline commands need no
  // connection settings, and so no identity.
  std::unique_ptr<client::ExchangeClient> exchange;
  std::unique_ptr<client::AdminClient> admin;
  std::unique_ptr<client::AuditClient> audit;
  std::unique_ptr<client::HubInfoClient> hub_info;
  const HubService service = invocation.command->service;
  if (service != HubService::kNone) {
    absl::StatusOr<client::ClientOptions> options =
        ResolveClientOptions(invocation, ProcessEnvironment());
    if (!options.ok()) {
      std::cerr << "sxctl: " << TerminalSafe(options.status().message())
                << "\n";
      return kExitUsage;
    }
    // Statistics go through the exchange client for any identity (see
    // HubService).
    const absl::Status connected =
        service == HubService::kExchange || service == HubService::kStatistics
            ? Connect(&client::ConnectExchangeClient, *options, &exchange)
        : service == HubService::kAdmin
            ? Connect(&client::ConnectAdminClient, *options, &admin)
        : service == HubService::kAudit
            ? Connect(&client::ConnectAuditClient, *options, &audit)
            : Connect(&client::ConnectHubInfoClient, *options, &hub_info);
    if (!connected.ok()) return ShowFailure(connected);
    context.exchange = exchange.get();
    context.admin = admin.get();
    context.audit = audit.get();
    context.hub_info = hub_info.get();
  }
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
