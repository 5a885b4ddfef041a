// The rectification commands of sxctl (`rectification list`, `add`,
// `report`, `verify`): a problem list's ledger (整改台账), item by item. Each
// turns its checked options into one SDK call, except `list --all`, which
// reads page after page.
#pragma once

#include "absl/status/status.h"
#include "client_sdk/sxctl/command_context.h"

namespace sx::sxctl {

absl::Status RunRectificationList(const CommandContext& context);
absl::Status RunRectificationAdd(const CommandContext& context);
absl::Status RunRectificationReport(const CommandContext& context);
absl::Status RunRectificationVerify(const CommandContext& context);

}  // namespace sx::sxctl
