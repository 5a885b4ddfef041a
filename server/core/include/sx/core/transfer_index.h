// Where to find referrals by state, party and time of creation without
// reading the history: index keys the store keeps with every referral write
// (storage::ReferralDeriver), and the reader that pages through them newest
// first. Serves the filtered transfer list of administrators and an
// agency's list of its referrals in some states.
//
// Four keys per referral, each ending in its state, its time of creation and
// its id: under all referrals, under its sender, under its recipient, and
// under its route (sender and recipient). A new state moves the four keys;
// any other change leaves them alone. An open referral past a deadline has
// four more, the same but for an "o" before the state: the overdue list
// reads those, so that it costs a page whatever the backlog.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "supervision/v1/referral.pb.h"
#include "sx/storage/store.h"

namespace sx::core {

// The index keys of `referral` (for the deriver); `open_and_overdue` adds
// the overdue stretch's.
std::vector<std::string> TransferIndexKeys(
    const ::supervision::v1::Referral& referral, bool open_and_overdue);

// Which referrals a page is taken from; empty fields do not filter.
struct TransferIndexQuery {
  std::string sender_agency_id;
  std::string recipient_agency_id;
  // Empty: every state.
  std::vector<::supervision::v1::ReferralState> states;
  // Created at or after / before.
  std::optional<absl::Time> created_after;
  std::optional<absl::Time> created_before;
  // Only open referrals past a deadline (accept, feedback or report).
  bool overdue_only = false;
};

struct TransferIndexPage {
  // Newest first: by time of creation, then id.
  std::vector<::supervision::v1::Referral> referrals;
  // The last referral's id when more follow; empty at the end.
  std::string next_page_token;
};

// Up to `page_size` referrals matching `query`, after the referral
// `page_token` names (empty: from the newest; INVALID_ARGUMENT if it names
// none). Reads one stretch of the index per state asked for and the
// referrals of the page, never the history.
absl::StatusOr<TransferIndexPage> ReadTransferIndex(
    storage::Store& store, const TransferIndexQuery& query,
    absl::string_view page_token, size_t page_size);

}  // namespace sx::core
