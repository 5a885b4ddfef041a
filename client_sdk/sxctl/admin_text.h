// The human-readable shape of the administrators' results: tables of
// transfers, inboxes, dead letters and counts, the hub's status, and the
// screen of `admin top`. Like everything administrators see, metadata only.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "sx/client/admin_client.h"
#include "client_sdk/sxctl/top_frame.h"

namespace sx::sxctl {

// "12s", "4m07s", "2h05m", "3d04h": how long ago, to the two largest units.
std::string AgeText(absl::Duration age);

std::string TransferTableText(
    const std::vector<client::TransferSummary>& transfers);
// Ages of the oldest entries are measured to `now`.
std::string InboxStatsTableText(const std::vector<client::InboxStats>& inboxes,
                                absl::Time now);
std::string DeadLetterTableText(const std::vector<client::DeadLetter>& letters);
// By state, by route, open overdue, and per recipient its open referrals
// overdue, warned (蓝, 黄, 红) and pressed (催办, 督办, 挂牌).
std::string TransferCountsText(const client::TransferCounts& counts);
std::string HubStatusText(const client::HubStatus& status, absl::Time now);
// The hub's line, throughput and open overdue, the warnings (蓝, 黄, 红) and
// 挂牌督办 open on the whole hub, then inboxes and states.
std::string TopFrameText(const TopFrame& frame);

}  // namespace sx::sxctl
