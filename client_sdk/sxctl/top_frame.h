// One frame of `sxctl admin top`: what the hub reported at one moment, and
// its throughput since the frame before.
#pragma once

#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "sx/client/admin_client.h"

namespace sx::sxctl {

struct TopFrame {
  // When the hub status was read (local clock).
  absl::Time taken = absl::InfinitePast();
  client::HubStatus status;
  std::vector<client::InboxStats> inboxes;
  client::TransferCounts counts;
  // Events appended per second since the previous frame; none for the first.
  std::optional<double> events_per_second;
};

// Every recipient's conditions added up (agency_id empty): the warnings (蓝,
// 黄, 红), overdue and pressed referrals open on the whole hub.
client::RecipientConditions ConditionTotals(
    const client::TransferCounts& counts);

// The rate of `current.status.events` since `previous`; nullopt without a
// previous frame, or when no time passed between the two.
std::optional<double> EventsPerSecond(const TopFrame* previous,
                                      const TopFrame& current);

}  // namespace sx::sxctl
