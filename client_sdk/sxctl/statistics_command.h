// `sxctl stats`: the figures per unit for a period (统计), as a table, JSON or
// CSV for Excel. Works with any certificate: the hub shows an agency its own
// figures, and a supervising agency, administrators and auditors every
// unit's.
#pragma once

#include "absl/status/status.h"
#include "client_sdk/sxctl/command_context.h"

namespace sx::sxctl {

absl::Status RunStats(const CommandContext& context);

}  // namespace sx::sxctl
