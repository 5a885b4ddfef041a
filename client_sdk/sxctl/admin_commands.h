// The administrators' commands of sxctl (`admin ...`): transfers, inboxes,
// dead letters and their redrive, counts, the hub's status, and `admin top`,
// a live view of all of them. Each needs an administrator certificate; the
// hub answers with metadata only.
#pragma once

#include "absl/status/status.h"
#include "client_sdk/sxctl/command_context.h"

namespace sx::sxctl {

absl::Status RunAdminTransfers(const CommandContext& context);
absl::Status RunAdminInboxes(const CommandContext& context);
absl::Status RunAdminDeadLetters(const CommandContext& context);
absl::Status RunAdminRedrive(const CommandContext& context);
absl::Status RunAdminRewrapKeys(const CommandContext& context);
absl::Status RunAdminCounts(const CommandContext& context);
absl::Status RunAdminStatus(const CommandContext& context);
// Refreshes every --interval seconds until Ctrl-C or --iterations frames.
absl::Status RunAdminTop(const CommandContext& context);

}  // namespace sx::sxctl
