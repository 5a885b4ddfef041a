// The inbox commands of sxctl: `inbox list` (what is waiting now, without
// acknowledging), `inbox watch` (follow the stream until Ctrl-C, optionally
// acknowledging each entry once printed) and `inbox ack`.
#pragma once

#include "absl/status/status.h"
#include "client_sdk/sxctl/command_context.h"

namespace sx::sxctl {

absl::Status RunInboxList(const CommandContext& context);
absl::Status RunInboxWatch(const CommandContext& context);
absl::Status RunInboxAck(const CommandContext& context);

}  // namespace sx::sxctl
