// The distribution commands of sxctl: `distribute` (通报 / 分送: one lead or
// problem list to many units at once) and `distribution show` and `list`,
// with which the sender follows every recipient's referral together. Each
// turns its checked options into one SDK call, except `list --all`, which
// reads page after page.
#pragma once

#include "absl/status/status.h"
#include "client_sdk/sxctl/command_context.h"

namespace sx::sxctl {

absl::Status RunDistribute(const CommandContext& context);
absl::Status RunDistributionShow(const CommandContext& context);
absl::Status RunDistributionList(const CommandContext& context);

}  // namespace sx::sxctl
