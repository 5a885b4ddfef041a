#include "client_sdk/sxctl/top_frame.h"

namespace sx::sxctl {

client::RecipientConditions ConditionTotals(
    const client::TransferCounts& counts) {
  client::RecipientConditions totals;
  for (const client::RecipientConditions& recipient : counts.by_recipient) {
    totals.overdue += recipient.overdue;
    totals.blue_warnings += recipient.blue_warnings;
    totals.yellow_warnings += recipient.yellow_warnings;
    totals.red_warnings += recipient.red_warnings;
    totals.urged += recipient.urged;
    totals.supervised += recipient.supervised;
    totals.listed += recipient.listed;
  }
  return totals;
}

std::optional<double> EventsPerSecond(const TopFrame* previous,
                                      const TopFrame& current) {
  if (previous == nullptr) return std::nullopt;
  const double seconds = absl::ToDoubleSeconds(current.taken - previous->taken);
  if (seconds <= 0) return std::nullopt;
  // A restored backup can make the count go down; that is no negative rate.
  const double events =
      current.status.events >= previous->status.events
          ? static_cast<double>(current.status.events - previous->status.events)
          : 0.0;
  return events / seconds;
}

}  // namespace sx::sxctl
