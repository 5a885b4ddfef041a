#include "sx/core/current_conditions.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sx/base/status_macros.h"
#include "sx/core/admin_core.h"
#include "sx/core/referral_state_machine.h"
#include "sx/core/transfer_index.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

// Bump when what is derived changes: the store then derives it again, once,
// from every referral when the new release first opens it.
constexpr char kRuleVersion[] = "3";

constexpr char kStatePrefix[] = "g/state/";
constexpr char kOverduePrefix[] = "g/overdue/";
constexpr char kWarningPrefix[] = "g/warning/";
constexpr char kPressedPrefix[] = "g/pressed/";
// Derived counters read per round.
constexpr size_t kCountersPerRead = 4096;
// Agency ids are lower-case letters, digits and '-': never a NUL.
constexpr char kWatchSeparator = '\0';

bool IsOpen(const v1::Referral& referral) {
  return !IsTerminal(referral.state());
}

bool IsOverdue(const v1::Referral& referral) {
  return referral.accept_overdue() || referral.feedback_overdue() ||
         referral.report_overdue();
}

// A warning stands while the recipient still owes final feedback (also
// while the lead is kept pending: it is not answered yet).
bool HasStandingWarning(const v1::Referral& referral) {
  return referral.warning_level() != v1::WARNING_LEVEL_UNSPECIFIED &&
         (OwesFeedback(referral.state()) ||
          referral.state() == v1::REFERRAL_STATE_KEPT_PENDING);
}

std::string WatchKey(absl::string_view recipient, absl::string_view id) {
  return absl::StrCat(recipient, std::string(1, kWatchSeparator), id);
}

storage::DerivedEntries Derive(const v1::Referral& referral) {
  storage::DerivedEntries entries;
  const std::string& recipient = referral.recipient_agency_id();
  entries.counters.push_back(absl::StrCat(kStatePrefix, referral.state(), "/",
                                          referral.sender_agency_id(), "/",
                                          recipient));
  if (IsOpen(referral) && IsOverdue(referral)) {
    entries.counters.push_back(absl::StrCat(kOverduePrefix, recipient));
  }
  if (HasStandingWarning(referral)) {
    entries.counters.push_back(
        absl::StrCat(kWarningPrefix, referral.warning_level(), "/", recipient));
  }
  if (IsOpen(referral) &&
      referral.supervision_level() != v1::SUPERVISION_LEVEL_UNSPECIFIED) {
    entries.counters.push_back(absl::StrCat(
        kPressedPrefix, referral.supervision_level(), "/", recipient));
  }
  if (IsWatched(referral)) {
    entries.watched.emplace_back(
        WatchKey(recipient, referral.referral_id()),
        TransferSummaryOf(referral).SerializeAsString());
  }
  // Not a current condition, but derived from the same record in the same
  // transaction: where the filtered lists find it (transfer_index.h).
  entries.indexed =
      TransferIndexKeys(referral, IsOpen(referral) && IsOverdue(referral));
  return entries;
}

// "<number>/<rest>" → number and rest; false if malformed.
bool SplitLevel(absl::string_view text, int* level, std::string* rest) {
  const size_t slash = text.find('/');
  if (slash == absl::string_view::npos) return false;
  *rest = std::string(text.substr(slash + 1));
  return absl::SimpleAtoi(text.substr(0, slash), level);
}

absl::Status AddCounter(absl::string_view key, uint64_t value,
                        CurrentCounts& counts) {
  int level = 0;
  std::string rest;
  if (absl::ConsumePrefix(&key, kStatePrefix)) {
    const std::vector<std::string> parts = absl::StrSplit(key, '/');
    if (parts.size() == 3 && absl::SimpleAtoi(parts[0], &level)) {
      counts.by_state_and_route[{static_cast<v1::ReferralState>(level),
                                 parts[1], parts[2]}] += value;
      return absl::OkStatus();
    }
  } else if (absl::ConsumePrefix(&key, kOverduePrefix)) {
    counts.overdue[std::string(key)] += value;
    return absl::OkStatus();
  } else if (absl::ConsumePrefix(&key, kWarningPrefix)) {
    if (SplitLevel(key, &level, &rest)) {
      counts.warned[{static_cast<v1::WarningLevel>(level), rest}] += value;
      return absl::OkStatus();
    }
  } else if (absl::ConsumePrefix(&key, kPressedPrefix)) {
    if (SplitLevel(key, &level, &rest)) {
      counts.pressed[{static_cast<v1::SupervisionLevel>(level), rest}] += value;
      return absl::OkStatus();
    }
  } else {
    return absl::OkStatus();  // a later release's counter
  }
  return absl::DataLossError(
      absl::StrCat("storage: derived counter \"", key, "\" is malformed"));
}

}  // namespace

bool IsWatched(const v1::Referral& referral) {
  return IsOpen(referral) &&
         (IsOverdue(referral) ||
          referral.warning_level() != v1::WARNING_LEVEL_UNSPECIFIED ||
          referral.supervision_level() != v1::SUPERVISION_LEVEL_UNSPECIFIED);
}

storage::ReferralDeriver CurrentConditionsDeriver() {
  return {kRuleVersion, &Derive};
}

absl::StatusOr<CurrentCounts> ReadCurrentCounts(storage::Store& store) {
  CurrentCounts counts;
  std::string from = storage::kDerivedCounterPrefix;
  const std::string to = "g0";  // '0' follows '/'
  for (;;) {
    SX_ASSIGN_OR_RETURN(auto counters,
                        store.ReadCounters(from, to, kCountersPerRead));
    for (const auto& [key, value] : counters) {
      // A count back at zero stays as a key: skip it.
      if (value != 0) {
        SX_RETURN_IF_ERROR(
            AddCounter(key, static_cast<uint64_t>(value), counts));
      }
    }
    if (counters.size() < kCountersPerRead) return counts;
    from = counters.back().first + std::string(1, '\0');
  }
}

absl::StatusOr<std::vector<WatchedReferral>> ReadWatchList(
    storage::Store& store, absl::string_view recipient_agency_id,
    absl::string_view after, size_t limit) {
  const std::string prefix =
      recipient_agency_id.empty()
          ? std::string()
          : absl::StrCat(recipient_agency_id, std::string(1, kWatchSeparator));
  SX_ASSIGN_OR_RETURN(auto entries, store.ReadWatchList(prefix, after, limit));
  std::vector<WatchedReferral> page;
  page.reserve(entries.size());
  for (auto& [key, value] : entries) {
    WatchedReferral watched;
    if (!watched.summary.ParseFromString(value)) {
      return absl::DataLossError("storage: a watch-list entry does not parse");
    }
    watched.position = std::move(key);
    page.push_back(std::move(watched));
  }
  return page;
}

}  // namespace sx::core
