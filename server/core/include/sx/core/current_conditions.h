// Where every referral stands right now, counted and watched as it is
// written (see storage::ReferralDeriver), so that admin counts, metrics and
// a supervisor's ledger (督办台账) cost the same at any size of history:
//
//   counters   g/state/<state>/<sender>/<recipient>   every referral
//              g/overdue/<recipient>                  open, deadline missed
//              g/warning/<level>/<recipient>          still owes feedback
//              g/pressed/<level>/<recipient>          open, 催办/督办/挂牌
//   watch list <recipient> \0 <referral id> → TransferSummary, for every
//              open referral that is overdue, warned or pressed
//
// "Open" is every state but the four final ones (a referral whose feedback
// awaits 销号 stays on the ledger until closed).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "supervision/v1/admin.pb.h"
#include "supervision/v1/referral.pb.h"
#include "sx/storage/store.h"

namespace sx::core {

// The rule the hub opens its store with: these conditions, and the index
// keys of transfer_index.h.
storage::ReferralDeriver CurrentConditionsDeriver();

// Whether the referral is on the watch list.
bool IsWatched(const ::supervision::v1::Referral& referral);

struct CurrentCounts {
  // Every referral, by state, sender and recipient.
  std::map<
      std::tuple<::supervision::v1::ReferralState, std::string, std::string>,
      uint64_t>
      by_state_and_route;
  // Open referrals by recipient: with a missed deadline; warned, by level;
  // pressed, by the highest level of 督办.
  std::map<std::string, uint64_t> overdue;
  std::map<std::pair<::supervision::v1::WarningLevel, std::string>, uint64_t>
      warned;
  std::map<std::pair<::supervision::v1::SupervisionLevel, std::string>,
           uint64_t>
      pressed;
};

absl::StatusOr<CurrentCounts> ReadCurrentCounts(storage::Store& store);

// One page of the watch list, oldest first within each recipient, the
// recipients in id order: all of them, or those of `recipient_agency_id`.
// `after` is the previous page's last position (empty: from the start).
struct WatchedReferral {
  std::string position;
  ::supervision::v1::TransferSummary summary;
};
absl::StatusOr<std::vector<WatchedReferral>> ReadWatchList(
    storage::Store& store, absl::string_view recipient_agency_id,
    absl::string_view after, size_t limit);

}  // namespace sx::core
