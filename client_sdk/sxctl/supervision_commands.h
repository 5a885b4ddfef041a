// The supervising agencies' commands of sxctl: `supervision ledger` (督办台账),
// the open referrals that are overdue, warned or pressed, for agencies the
// hub's config names `supervisor: true`. It turns its checked options into
// one SDK call, or with --all reads page after page.
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client_sdk/sxctl/command_context.h"
#include "sx/client/types.h"

namespace sx::sxctl {

absl::Status RunSupervisionLedger(const CommandContext& context);

// Every --condition value, each one condition or several separated by
// commas ("--condition overdue,warned --condition listed"), in the order
// first given, each once. A usage error names a value that is not one of
// overdue, warned, pressed, listed.
absl::StatusOr<std::vector<client::SupervisedCondition>> ConditionOptions(
    const Invocation& invocation);

}  // namespace sx::sxctl
