#include "sx/core/supervision_ledger_core.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "sx/base/status_macros.h"
#include "sx/core/access_policy.h"
#include "sx/core/current_conditions.h"
#include "sx/core/request_validation.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

constexpr uint32_t kDefaultPageSize = 50;
constexpr uint32_t kMaxPageSize = 200;
// Watch-list entries read per round while filtering by condition.
constexpr size_t kRound = 256;

bool InCondition(const v1::TransferSummary& summary,
                 v1::SupervisedCondition condition) {
  switch (condition) {
    case v1::SUPERVISED_CONDITION_OVERDUE:
      return summary.accept_overdue() || summary.feedback_overdue() ||
             summary.report_overdue();
    case v1::SUPERVISED_CONDITION_WARNED:
      return summary.warning_level() != v1::WARNING_LEVEL_UNSPECIFIED;
    case v1::SUPERVISED_CONDITION_PRESSED:
      return summary.supervision_level() != v1::SUPERVISION_LEVEL_UNSPECIFIED;
    case v1::SUPERVISED_CONDITION_LISTED:
      return summary.supervision_level() == v1::SUPERVISION_LEVEL_LISTED;
    default:
      return false;
  }
}

bool Wanted(const v1::ListSupervisedReferralsRequest& request,
            const v1::TransferSummary& summary) {
  if (request.conditions().empty()) return true;
  for (int condition : request.conditions()) {
    if (InCondition(summary, static_cast<v1::SupervisedCondition>(condition))) {
      return true;
    }
  }
  return false;
}

absl::Status ValidateConditions(
    const v1::ListSupervisedReferralsRequest& request) {
  for (int condition : request.conditions()) {
    if (condition == v1::SUPERVISED_CONDITION_UNSPECIFIED ||
        !v1::SupervisedCondition_IsValid(condition)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "conditions: ", condition,
          " is not a condition (OVERDUE, WARNED, PRESSED or LISTED)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

SupervisionLedgerCore::SupervisionLedgerCore(
    storage::Store& store,
    std::function<std::shared_ptr<const HubConfig>()> config)
    : store_(store), config_(std::move(config)) {}

absl::StatusOr<v1::ListSupervisedReferralsResponse> SupervisionLedgerCore::List(
    const Identity& caller, const v1::ListSupervisedReferralsRequest& request) {
  const std::shared_ptr<const HubConfig> config = config_();
  SX_RETURN_IF_ERROR(CheckCanReadSupervisionLedger(*config, caller));
  SX_ASSIGN_OR_RETURN(
      const size_t page_size,
      ValidatePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize));
  SX_RETURN_IF_ERROR(ValidateConditions(request));
  if (!request.recipient_agency_id().empty() &&
      config->FindAgency(request.recipient_agency_id()) == nullptr) {
    return absl::NotFoundError(absl::StrCat("recipient_agency_id: no agency \"",
                                            request.recipient_agency_id(),
                                            "\" is configured"));
  }
  // The token is the watch-list position of the last entry, hex-encoded.
  std::string after = absl::HexStringToBytes(request.page_token());
  if (absl::BytesToHexString(after) != request.page_token()) {
    return absl::InvalidArgumentError(
        "page_token: malformed (pass back next_page_token as it came)");
  }

  std::vector<WatchedReferral> found;
  bool more = false;
  while (!more) {
    SX_ASSIGN_OR_RETURN(
        std::vector<WatchedReferral> round,
        ReadWatchList(store_, request.recipient_agency_id(), after, kRound));
    for (WatchedReferral& watched : round) {
      if (!Wanted(request, watched.summary)) continue;
      if (found.size() == page_size) {
        more = true;
        break;
      }
      found.push_back(std::move(watched));
    }
    if (round.size() < kRound) break;
    after = round.back().position;
  }

  v1::ListSupervisedReferralsResponse response;
  for (WatchedReferral& watched : found) {
    v1::SupervisedReferral& entry = *response.add_referrals();
    const std::string& id = watched.summary.referral_id();
    SX_ASSIGN_OR_RETURN(const v1::Lead lead, store_.GetLead(id));
    entry.set_subject(lead.subject());
    entry.set_subject_organization(lead.subject_organization());
    SX_ASSIGN_OR_RETURN(const std::optional<v1::Referral> referral,
                        store_.GetReferral(id));
    if (referral.has_value() && referral->reminders_size() > 0) {
      const v1::Reminder& last = *referral->reminders().rbegin();
      *entry.mutable_last_reminded_at() = last.sent_at();
      entry.set_last_reminded_by(last.from_agency_id());
    }
    *entry.mutable_transfer() = std::move(watched.summary);
  }
  if (more) {
    response.set_next_page_token(absl::BytesToHexString(found.back().position));
  }
  return response;
}

}  // namespace sx::core
