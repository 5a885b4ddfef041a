#include "sx/core/admin_core.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/core/referral_steps.h"
#include "sx/base/status_macros.h"
#include "sx/core/current_conditions.h"
#include "sx/core/encryption_admin.h"
#include "sx/core/referral_state_machine.h"
#include "sx/core/request_validation.h"
#include "sx/core/timestamps.h"
#include "sx/core/transfer_index.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

constexpr uint32_t kDefaultPageSize = 50;
constexpr uint32_t kMaxPageSize = 500;

bool HasIndexedFilter(const v1::ListTransfersRequest& request) {
  return request.overdue_only() || !request.states().empty() ||
         !request.sender_agency_id().empty() ||
         !request.recipient_agency_id().empty() ||
         request.has_created_after() || request.has_created_before();
}

// A filtered page from the transfer index: the referrals read are those of
// the page, not the history before them.
absl::StatusOr<v1::ListTransfersResponse> ListFromIndex(
    storage::Store& store, const v1::ListTransfersRequest& request,
    size_t page_size) {
  TransferIndexQuery query;
  query.sender_agency_id = request.sender_agency_id();
  query.recipient_agency_id = request.recipient_agency_id();
  query.overdue_only = request.overdue_only();
  for (int state : request.states()) {
    query.states.push_back(static_cast<v1::ReferralState>(state));
  }
  if (request.has_created_after()) {
    query.created_after = FromTimestamp(request.created_after());
  }
  if (request.has_created_before()) {
    query.created_before = FromTimestamp(request.created_before());
  }
  SX_ASSIGN_OR_RETURN(
      TransferIndexPage page,
      ReadTransferIndex(store, query, request.page_token(), page_size));
  v1::ListTransfersResponse response;
  for (const v1::Referral& referral : page.referrals) {
    *response.add_transfers() = TransferSummaryOf(referral);
  }
  response.set_next_page_token(page.next_page_token);
  return response;
}

}  // namespace

v1::TransferSummary TransferSummaryOf(const v1::Referral& referral) {
  v1::TransferSummary summary;
  summary.set_referral_id(referral.referral_id());
  summary.set_kind(referral.kind());
  summary.set_sender_agency_id(referral.sender_agency_id());
  summary.set_recipient_agency_id(referral.recipient_agency_id());
  summary.set_state(referral.state());
  summary.set_urgency(referral.urgency());
  *summary.mutable_created_at() = referral.created_at();
  *summary.mutable_updated_at() = referral.updated_at();
  *summary.mutable_accept_due_at() = referral.accept_due_at();
  *summary.mutable_feedback_due_at() = referral.feedback_due_at();
  summary.set_accept_overdue(referral.accept_overdue());
  summary.set_feedback_overdue(referral.feedback_overdue());
  summary.set_disposition(referral.disposition());
  summary.set_parent_referral_id(referral.parent_referral_id());
  summary.set_child_referral_id(referral.child_referral_id());
  summary.set_feedback_count(static_cast<uint32_t>(referral.feedback_size()));
  summary.set_reminder_count(static_cast<uint32_t>(referral.reminders_size()));
  summary.set_version(referral.version());
  summary.set_warning_level(referral.warning_level());
  summary.set_delegation_count(
      static_cast<uint32_t>(referral.delegated_referral_ids_size()));
  summary.set_delegated(referral.delegated());
  summary.set_supervision_level(referral.supervision_level());
  if (referral.has_report_due_at()) {
    *summary.mutable_report_due_at() = referral.report_due_at();
  }
  summary.set_report_overdue(referral.report_overdue());
  return summary;
}

AdminCore::AdminCore(storage::Store& store, const Clock& clock,
                     ConfigSource config, StreamCounter open_streams,
                     std::string version,
                     encryption::EncryptingStore* encryption)
    : store_(store),
      clock_(clock),
      encryption_(encryption),
      config_(std::move(config)),
      open_streams_(std::move(open_streams)),
      version_(std::move(version)),
      started_(clock.Now()) {}

absl::StatusOr<v1::ListTransfersResponse> AdminCore::ListTransfers(
    const v1::ListTransfersRequest& request) {
  SX_ASSIGN_OR_RETURN(
      size_t page_size,
      ValidatePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize));
  if (!request.page_token().empty()) {
    SX_RETURN_IF_ERROR(ValidateId("page_token", request.page_token()));
  }
  if (HasIndexedFilter(request)) {
    return ListFromIndex(store_, request, page_size);
  }
  // Everything, newest first: a page of ids, then those referrals.
  SX_ASSIGN_OR_RETURN(storage::ReferralIdPage ids,
                      store_.ScanReferralIds(request.page_token(), page_size));
  v1::ListTransfersResponse response;
  for (const std::string& id : ids.referral_ids) {
    SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                        store_.GetReferral(id));
    if (referral.has_value())
      *response.add_transfers() = TransferSummaryOf(*referral);
  }
  response.set_next_page_token(ids.next_before_id);
  return response;
}

absl::StatusOr<v1::GetInboxStatsResponse> AdminCore::InboxStats() {
  v1::GetInboxStatsResponse response;
  for (const v1::Agency& agency : config_()->proto().agencies()) {
    SX_ASSIGN_OR_RETURN(storage::InboxSummary summary,
                        store_.SummarizeInbox(agency.id()));
    v1::InboxStats& stats = *response.add_inboxes();
    stats.set_agency_id(agency.id());
    stats.set_depth(summary.depth);
    if (summary.oldest.has_value()) {
      *stats.mutable_oldest_unacknowledged_at() = ToTimestamp(*summary.oldest);
    }
    stats.set_connected_streams(open_streams_(agency.id()));
    stats.set_dead_letters(summary.dead_letters);
    stats.set_last_sequence(summary.last_sequence);
  }
  return response;
}

absl::StatusOr<v1::ListDeadLettersResponse> AdminCore::ListDeadLetters(
    const v1::ListDeadLettersRequest& request) {
  SX_ASSIGN_OR_RETURN(
      size_t page_size,
      ValidatePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize));
  // The token is the storage position of the last letter, hex-encoded.
  const std::string after = absl::HexStringToBytes(request.page_token());
  if (absl::BytesToHexString(after) != request.page_token()) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  SX_ASSIGN_OR_RETURN(
      std::vector<storage::DeadLetterRecord> letters,
      store_.ListDeadLetters(request.agency_id(), after, page_size + 1));
  v1::ListDeadLettersResponse response;
  for (size_t i = 0; i < letters.size() && i < page_size; ++i) {
    v1::DeadLetter& letter = *response.add_dead_letters();
    letter.set_agency_id(letters[i].agency_id);
    letter.set_sequence(letters[i].entry.sequence());
    *letter.mutable_event() = letters[i].entry.event();
    letter.set_delivery_attempts(letters[i].entry.delivery_attempts());
    *letter.mutable_dead_lettered_at() =
        ToTimestamp(letters[i].dead_lettered_at);
  }
  if (letters.size() > page_size) {
    response.set_next_page_token(
        absl::BytesToHexString(letters[page_size - 1].position));
  }
  return response;
}

void AdminCore::Redrive(const Identity& admin,
                        const v1::RedriveDeadLettersRequest& request,
                        std::function<void(absl::StatusOr<uint32_t>)> done) {
  if (config_()->FindAgency(request.agency_id()) == nullptr) {
    done(absl::NotFoundError(
        absl::StrCat("agency_id: no agency \"", request.agency_id(), "\"")));
    return;
  }
  std::vector<uint64_t> sequences(request.sequences().begin(),
                                  request.sequences().end());
  if (sequences.empty()) {
    absl::StatusOr<std::vector<storage::DeadLetterRecord>> all =
        store_.ListDeadLetters(request.agency_id(), "", 100000);
    if (!all.ok()) {
      done(all.status());
      return;
    }
    for (const auto& letter : *all)
      sequences.push_back(letter.entry.sequence());
  }
  auto redriven = std::make_shared<uint32_t>(0);
  const std::string agency = request.agency_id();
  v1::Event event;
  event.set_type(v1::EVENT_TYPE_DEAD_LETTERS_REDRIVEN);
  event.set_actor(absl::StrCat("admin/", admin.name));
  *event.mutable_time() = ToTimestamp(clock_.Now());
  store_.Apply(
      [=](storage::Transaction& txn) -> absl::Status {
        *redriven = 0;  // a body may run again after a failed group
        for (uint64_t sequence : sequences) {
          SX_ASSIGN_OR_RETURN(std::optional<v1::InboxEntry> letter,
                              txn.TakeDeadLetter(agency, sequence));
          if (!letter.has_value()) continue;
          // Back at the end of the inbox, with a fresh attempt count.
          SX_RETURN_IF_ERROR(txn.AppendInbox(agency, letter->event()).status());
          ++*redriven;
        }
        if (*redriven == 0) return absl::OkStatus();
        v1::Event recorded = event;
        recorded.set_reason(absl::StrCat(*redriven,
                                         " dead letters back in the inbox of ",
                                         agency));
        return txn.AppendEvent(std::move(recorded), {agency}).status();
      },
      [redriven, done = std::move(done)](absl::Status status) {
        if (!status.ok()) {
          done(status);
          return;
        }
        done(*redriven);
      });
}

absl::StatusOr<v1::GetTransferCountsResponse> AdminCore::TransferCounts() {
  std::shared_ptr<const HubConfig> config = config_();
  auto type_of = [&config](const std::string& agency_id) {
    const v1::Agency* agency = config->FindAgency(agency_id);
    return agency == nullptr ? std::string("unknown") : agency->type();
  };
  SX_ASSIGN_OR_RETURN(const CurrentCounts counts, ReadCurrentCounts(store_));
  std::map<int, uint64_t> by_state;
  std::map<std::pair<std::string, std::string>, uint64_t> by_route;
  for (const auto& [key, count] : counts.by_state_and_route) {
    const auto& [state, sender, recipient] = key;
    by_state[state] += count;
    by_route[{type_of(sender), type_of(recipient)}] += count;
  }
  v1::GetTransferCountsResponse response;
  for (const auto& [state, count] : by_state) {
    v1::StateCount& entry = *response.add_by_state();
    entry.set_state(static_cast<v1::ReferralState>(state));
    entry.set_count(count);
  }
  for (const auto& [route, count] : by_route) {
    v1::RouteCount& entry = *response.add_by_route();
    entry.set_sender_type(route.first);
    entry.set_recipient_type(route.second);
    entry.set_count(count);
  }
  std::map<std::string, v1::RecipientConditions> by_recipient;
  auto of = [&by_recipient](const std::string& agency_id) -> auto& {
    v1::RecipientConditions& conditions = by_recipient[agency_id];
    conditions.set_agency_id(agency_id);
    return conditions;
  };
  for (const auto& [recipient, count] : counts.overdue) {
    of(recipient).set_overdue(count);
    response.set_overdue_open(response.overdue_open() + count);
  }
  for (const auto& [key, count] : counts.warned) {
    v1::RecipientConditions& conditions = of(key.second);
    if (key.first == v1::WARNING_LEVEL_BLUE)
      conditions.set_blue_warnings(count);
    if (key.first == v1::WARNING_LEVEL_YELLOW) {
      conditions.set_yellow_warnings(count);
    }
    if (key.first == v1::WARNING_LEVEL_RED) conditions.set_red_warnings(count);
  }
  for (const auto& [key, count] : counts.pressed) {
    v1::RecipientConditions& conditions = of(key.second);
    if (key.first == v1::SUPERVISION_LEVEL_URGE) conditions.set_urged(count);
    if (key.first == v1::SUPERVISION_LEVEL_SUPERVISE) {
      conditions.set_supervised(count);
    }
    if (key.first == v1::SUPERVISION_LEVEL_LISTED) conditions.set_listed(count);
  }
  for (auto& [agency_id, conditions] : by_recipient) {
    *response.add_by_recipient() = std::move(conditions);
  }
  return response;
}

absl::StatusOr<v1::HubStatus> AdminCore::Status() {
  std::shared_ptr<const HubConfig> config = config_();
  v1::HubStatus status;
  status.set_hub_id(config->proto().hub_id());
  status.set_version(version_);
  *status.mutable_started_at() = ToTimestamp(started_);
  status.set_agencies(static_cast<uint32_t>(config->proto().agencies_size()));
  absl::StatusOr<uint64_t> events = store_.EventCount();
  // Damage found earlier outranks this call's own reads, which may have
  // missed the damaged blocks.
  absl::Status health = store_.Health();
  if (health.ok()) health = events.status();
  status.set_storage(health.ok() ? "SERVING" : std::string(health.message()));
  if (events.ok()) status.set_events(*events);
  absl::StatusOr<CurrentCounts> counts = ReadCurrentCounts(store_);
  if (!counts.ok()) {
    status.set_storage(std::string(counts.status().message()));
    return status;
  }
  uint64_t referrals = 0;
  for (const auto& [key, count] : counts->by_state_and_route) {
    referrals += count;
  }
  status.set_referrals(referrals);
  if (encryption_ != nullptr) {
    absl::StatusOr<v1::EncryptionStatus> keys =
        EncryptionStatusOf(*encryption_);
    if (!keys.ok()) {
      status.set_storage(std::string(keys.status().message()));
      return status;
    }
    *status.mutable_encryption() = *std::move(keys);
  }
  return status;
}

void AdminCore::RewrapDataKeys(
    const v1::RewrapDataKeysRequest& request,
    std::function<void(absl::StatusOr<v1::RewrapDataKeysResponse>)> done) {
  if (encryption_ == nullptr) {
    done(absl::FailedPreconditionError(
        "this hub does not encrypt at rest (its config has no `encryption` "
        "section): there are no data keys to re-wrap"));
    return;
  }
  RewrapDataKeysPage(*encryption_, request, std::move(done));
}

}  // namespace sx::core
