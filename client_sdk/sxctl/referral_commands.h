// The referral commands of sxctl: send, show, list, and one command per step
// of the loop (accept, return, reroute, dispose, reopen, delegate, feedback,
// close, reject-feedback, withdraw, remind). Each turns its checked options
// into one SDK call and prints the referral the hub returns.
#pragma once

#include "absl/status/status.h"
#include "client_sdk/sxctl/command_context.h"

namespace sx::sxctl {

absl::Status RunSend(const CommandContext& context);
absl::Status RunShow(const CommandContext& context);
absl::Status RunList(const CommandContext& context);
absl::Status RunAccept(const CommandContext& context);
absl::Status RunReturn(const CommandContext& context);
absl::Status RunReroute(const CommandContext& context);
absl::Status RunDispose(const CommandContext& context);
absl::Status RunReopen(const CommandContext& context);
absl::Status RunDelegate(const CommandContext& context);
absl::Status RunFeedback(const CommandContext& context);
absl::Status RunClose(const CommandContext& context);
absl::Status RunRejectFeedback(const CommandContext& context);
absl::Status RunWithdraw(const CommandContext& context);
absl::Status RunRemind(const CommandContext& context);

}  // namespace sx::sxctl
