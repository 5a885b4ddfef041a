// Who may use which part of the console: one decision for every page, asset
// and JSON endpoint, made of the gRPC services' own rules (access_policy.h),
// so that the console gives nobody more than sxctl would.
#pragma once

#include "absl/status/status.h"
#include "sx/core/hub_config.h"
#include "sx/core/identity.h"

namespace sx::console {

enum class ConsoleEndpoint {
  // Pages, assets and the session (who is signed in): for those who may
  // sign in at all, administrators, auditors and supervising agencies.
  kPage,
  // AdminService's figures and actions: administrators only.
  kOverview,
  kInboxes,
  kDeadLetters,
  kRedrive,
  // SupervisionLedgerService's ledger (督办台账): supervising agencies only.
  kLedger,
};

// OK, or PERMISSION_DENIED naming what is missing.
absl::Status AuthorizeConsole(const core::HubConfig& config,
                              const core::Identity& caller,
                              ConsoleEndpoint endpoint);

}  // namespace sx::console
