#include "sx/core/transfer_index.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sx/base/status_macros.h"
#include "sx/core/timestamps.h"

namespace sx::core {
namespace {

namespace v1 = ::supervision::v1;

// Separates the parts of a key; agency ids and referral ids never hold it.
constexpr char kSeparator = '\0';
// Hex digits of a time of creation in a key.
constexpr size_t kTimeDigits = 16;

std::string Sep() { return std::string(1, kSeparator); }

// Which stretch of the index a query reads: the narrowest its parties allow.
std::string PartiesPart(absl::string_view sender, absl::string_view recipient) {
  if (!sender.empty() && !recipient.empty()) {
    return absl::StrCat("p", Sep(), sender, Sep(), recipient);
  }
  if (!sender.empty()) return absl::StrCat("s", Sep(), sender);
  if (!recipient.empty()) return absl::StrCat("r", Sep(), recipient);
  return "a";
}

// "05", or "o05" in the stretch of open referrals past a deadline.
std::string StatePrefix(absl::string_view parties, int state, bool overdue) {
  return absl::StrCat(parties, Sep(), overdue ? "o" : "",
                      absl::StrFormat("%02d", state), Sep());
}

// Microseconds since the epoch shifted into unsigned order, in fixed-width
// hex, so that keys sort by time (also before 1970).
std::string TimePart(absl::Time time) {
  const uint64_t shifted =
      static_cast<uint64_t>(absl::ToUnixMicros(time)) ^ (uint64_t{1} << 63);
  return absl::StrFormat("%016x", shifted);
}

std::optional<absl::Time> ParseTimePart(absl::string_view hex) {
  uint64_t shifted = 0;
  if (hex.size() != kTimeDigits || !absl::SimpleHexAtoi(hex, &shifted)) {
    return std::nullopt;
  }
  return absl::FromUnixMicros(
      static_cast<int64_t>(shifted ^ (uint64_t{1} << 63)));
}

// One entry read from the index: what orders it and what it names.
struct Found {
  std::string time_and_id;  // the key after its state prefix
  std::string referral_id;
};

std::vector<int> StatesOf(const TransferIndexQuery& query) {
  std::vector<int> states;
  if (!query.states.empty()) {
    for (v1::ReferralState state : query.states) states.push_back(state);
  } else {
    const auto* descriptor = v1::ReferralState_descriptor();
    for (int i = 0; i < descriptor->value_count(); ++i) {
      const int state = descriptor->value(i)->number();
      if (state != v1::REFERRAL_STATE_UNSPECIFIED) states.push_back(state);
    }
  }
  std::sort(states.begin(), states.end());
  states.erase(std::unique(states.begin(), states.end()), states.end());
  return states;
}

}  // namespace

std::vector<std::string> TransferIndexKeys(const v1::Referral& referral,
                                           bool open_and_overdue) {
  const std::string tail =
      absl::StrCat(TimePart(FromTimestamp(referral.created_at())), Sep(),
                   referral.referral_id());
  const std::string& sender = referral.sender_agency_id();
  const std::string& recipient = referral.recipient_agency_id();
  std::vector<std::string> keys;
  for (const std::string& parties :
       {PartiesPart("", ""), PartiesPart(sender, ""),
        PartiesPart("", recipient), PartiesPart(sender, recipient)}) {
    keys.push_back(StatePrefix(parties, referral.state(), false) + tail);
    if (open_and_overdue) {
      keys.push_back(StatePrefix(parties, referral.state(), true) + tail);
    }
  }
  return keys;
}

absl::StatusOr<TransferIndexPage> ReadTransferIndex(
    storage::Store& store, const TransferIndexQuery& query,
    absl::string_view page_token, size_t page_size) {
  const std::string parties =
      PartiesPart(query.sender_agency_id, query.recipient_agency_id);
  // Where each state's stretch starts (keys below it), as the part after
  // the state prefix: the page token's referral, or the end of the time
  // range, whichever comes first.
  std::string start;
  if (query.created_before.has_value()) {
    start = TimePart(*query.created_before);
  }
  if (!page_token.empty()) {
    SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> last,
                        store.GetReferral(page_token));
    if (!last.has_value()) {
      return absl::InvalidArgumentError(
          "page_token: names no referral; start again without it");
    }
    std::string position =
        absl::StrCat(TimePart(FromTimestamp(last->created_at())), Sep(),
                     last->referral_id());
    if (start.empty() || position < start) start = std::move(position);
  }
  // Each state's newest entries in range, then the newest of all: a few
  // thousand keys at most, whatever the history. One beyond the page tells
  // whether more follow.
  const size_t wanted = page_size + 1;
  std::vector<Found> found;
  for (int state : StatesOf(query)) {
    const std::string prefix = StatePrefix(parties, state, query.overdue_only);
    SX_ASSIGN_OR_RETURN(
        std::vector<std::string> keys,
        store.ScanReferralIndex(prefix, start.empty() ? "" : prefix + start,
                                wanted));
    for (std::string& key : keys) {
      Found entry;
      entry.time_and_id = key.substr(prefix.size());
      const std::optional<absl::Time> created = ParseTimePart(
          absl::string_view(entry.time_and_id).substr(0, kTimeDigits));
      if (!created.has_value() || entry.time_and_id.size() <= kTimeDigits + 1) {
        return absl::DataLossError(
            "storage: a referral index key is malformed");
      }
      // Newest first: the first one created too early ends the stretch.
      if (query.created_after.has_value() && *created < *query.created_after) {
        break;
      }
      entry.referral_id = entry.time_and_id.substr(kTimeDigits + 1);
      found.push_back(std::move(entry));
    }
  }
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return a.time_and_id > b.time_and_id;
  });
  TransferIndexPage page;
  for (size_t i = 0; i < found.size() && i < page_size; ++i) {
    SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                        store.GetReferral(found[i].referral_id));
    if (!referral.has_value()) {
      return absl::DataLossError(absl::StrCat(
          "storage: indexed referral ", found[i].referral_id, " is missing"));
    }
    page.referrals.push_back(*std::move(referral));
  }
  if (found.size() > page_size) {
    page.next_page_token = page.referrals.back().referral_id();
  }
  return page;
}

}  // namespace sx::core
