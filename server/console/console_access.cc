#include "server/console/console_access.h"

#include "sx/core/access_policy.h"

namespace sx::console {

absl::Status AuthorizeConsole(const core::HubConfig& config,
                              const core::Identity& caller,
                              ConsoleEndpoint endpoint) {
  switch (endpoint) {
    case ConsoleEndpoint::kPage:
      // Operators, and the agencies that the supervision ledger is for;
      // an ordinary agency works through its own system and sxctl.
      if (!caller.is_agency()) return absl::OkStatus();
      if (core::CheckCanReadSupervisionLedger(config, caller).ok()) {
        return absl::OkStatus();
      }
      return absl::PermissionDeniedError(
          "the console is for administrators, auditors and supervising "
          "agencies (config `supervisor: true`); 控制台仅供管理员、审计员和"
          "监督单位使用");
    case ConsoleEndpoint::kOverview:
    case ConsoleEndpoint::kInboxes:
    case ConsoleEndpoint::kDeadLetters:
    case ConsoleEndpoint::kRedrive:
      return core::CheckServiceAccess(caller, core::Service::kAdmin);
    case ConsoleEndpoint::kLedger:
      return core::CheckCanReadSupervisionLedger(config, caller);
  }
  return absl::PermissionDeniedError("unknown console endpoint");
}

}  // namespace sx::console
