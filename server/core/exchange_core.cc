#include "sx/core/exchange_core.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/core/event_reading.h"
#include "server/core/periodic_reports.h"
#include "server/core/rectification_ledger.h"
#include "server/core/referral_creation.h"
#include "server/core/referral_steps.h"
#include "server/core/request_records.h"
#include "server/core/step_effects.h"
#include "sx/base/sha256.h"
#include "sx/base/status_macros.h"
#include "sx/core/access_policy.h"
#include "sx/core/request_validation.h"
#include "sx/core/transfer_index.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

using storage::Transaction;

constexpr uint32_t kDefaultPageSize = 50;
constexpr uint32_t kMaxPageSize = 500;
constexpr size_t kMaxAcksPerCall = 1000;

// Leaves only what an administrator may see of a referral.
void RedactContent(v1::Referral& referral) {
  referral.clear_lead();
  referral.clear_feedback();
  referral.clear_reminders();
  referral.clear_state_reason();
  referral.clear_observer_agency_ids();
  referral.clear_dispositions();
  referral.clear_delegation_instructions();
}

}  // namespace

ExchangeCore::ExchangeCore(storage::Store& store, const Clock& clock,
                           std::shared_ptr<const HubConfig> config)
    : store_(store), clock_(clock), config_(std::move(config)) {}

void ExchangeCore::UpdateConfig(std::shared_ptr<const HubConfig> config) {
  absl::MutexLock lock(&config_mu_);
  config_ = std::move(config);
}

std::shared_ptr<const HubConfig> ExchangeCore::config() const {
  absl::MutexLock lock(&config_mu_);
  return config_;
}

void ExchangeCore::Submit(const Identity& caller,
                          v1::SubmitReferralRequest request,
                          std::string request_fingerprint,
                          ReferralCallback done,
                          std::optional<SignedStep> signed_step) {
  std::shared_ptr<const HubConfig> config = this->config();
  absl::Status valid = [&]() -> absl::Status {
    SX_RETURN_IF_ERROR(ValidateId("request_id", request.request_id()));
    SX_RETURN_IF_ERROR(
        ValidateId("recipient_agency_id", request.recipient_agency_id()));
    if (!request.resubmits_referral_id().empty()) {
      SX_RETURN_IF_ERROR(
          ValidateId("resubmits_referral_id", request.resubmits_referral_id()));
    }
    SX_RETURN_IF_ERROR(SealNewReferralContent(
        request.kind(), request.has_lead() ? request.mutable_lead() : nullptr,
        request.rectification_items(), config->limits()));
    return CheckRoute(*config, caller.name, request.recipient_agency_id(),
                      request.kind());
  }();
  if (!valid.ok()) {
    done(valid);
    return;
  }
  auto result = std::make_shared<v1::Referral>();
  auto shared_request =
      std::make_shared<v1::SubmitReferralRequest>(std::move(request));
  const std::string lead_sha256 =
      Sha256(shared_request->lead().SerializeAsString());
  const absl::Time now = clock_.Now();
  store_.Apply(
      [=](Transaction& txn) -> absl::Status {
        const std::string& request_id = shared_request->request_id();
        SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> replay,
                            FindReplay(txn, caller, "SubmitReferral",
                                       request_id, request_fingerprint));
        if (replay.has_value()) {
          *result = std::move(*replay);
          return absl::OkStatus();
        }
        SX_RETURN_IF_ERROR(CheckDueDatesAhead(
            "rectification_items", shared_request->rectification_items(), now));
        const std::string& original = shared_request->resubmits_referral_id();
        if (!original.empty()) {
          SX_RETURN_IF_ERROR(CheckResubmittable(txn, caller.name, original));
        }
        NewReferralParams params;
        params.sender = caller.name;
        params.recipient = shared_request->recipient_agency_id();
        params.kind = shared_request->kind();
        params.request_id = request_id;
        params.lead_sha256 = lead_sha256;
        params.resubmission_of = original;
        params.signed_step = signed_step;
        SX_ASSIGN_OR_RETURN(
            *result,
            CreateAndDeliver(txn, *config, params, shared_request->lead(),
                             shared_request->rectification_items(), now));
        return RememberRequest(txn, caller, "SubmitReferral", request_id,
                               request_fingerprint, result->referral_id());
      },
      [result, done = std::move(done)](absl::Status status) {
        if (!status.ok()) {
          done(status);
          return;
        }
        StripFeedbackAttachments(*result);
        done(std::move(*result));
      });
}

void ExchangeCore::TakeStep(const Identity& caller, StepRequest step,
                            ReferralCallback done) {
  std::shared_ptr<const HubConfig> config = this->config();
  const absl::Time now = clock_.Now();
  // 暂存待查 is asked for as a disposition method, but it is a step of its
  // own: it pauses the feedback clock until the lead is reopened.
  if (step.action == Action::kDispose &&
      step.disposition == v1::DISPOSITION_METHOD_KEPT_PENDING) {
    step.action = Action::kKeepPending;
    // The deadline index keeps whole seconds: rounding up, the reminder
    // never comes before the date asked for.
    if (step.due_at.has_value()) {
      const absl::Time down =
          absl::FromUnixSeconds(absl::ToUnixSeconds(*step.due_at));
      if (down != *step.due_at) step.due_at = down + absl::Seconds(1);
    }
  }
  if (step.action == Action::kInterimFeedback ||
      step.action == Action::kFinalFeedback) {
    const v1::FeedbackKind expected = step.action == Action::kInterimFeedback
                                          ? v1::FEEDBACK_KIND_INTERIM
                                          : v1::FEEDBACK_KIND_FINAL;
    absl::Status valid = SealFeedback(step.feedback, config->limits());
    if (valid.ok() && step.feedback.kind() != expected) {
      valid = absl::InvalidArgumentError(
          "feedback.kind: does not match the requested step");
    }
    if (!valid.ok()) {
      done(valid);
      return;
    }
  }
  absl::Status valid = ValidateStepRequest(step, *config, now);
  if (!valid.ok()) {
    done(valid);
    return;
  }
  auto result = std::make_shared<v1::Referral>();
  auto request = std::make_shared<StepRequest>(std::move(step));
  store_.Apply(
      [=](Transaction& txn) -> absl::Status {
        SX_ASSIGN_OR_RETURN(
            std::optional<v1::Referral> replay,
            FindReplay(txn, caller, request->method, request->request_id,
                       request->request_fingerprint));
        if (replay.has_value()) {
          *result = std::move(*replay);
          return absl::OkStatus();
        }
        SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> found,
                            txn.GetReferral(request->referral_id));
        if (!found.has_value()) {
          return NotAPartyOrMissing(caller.name, request->referral_id);
        }
        v1::Referral& referral = *found;
        SX_ASSIGN_OR_RETURN(
            Step decided,
            AuthorizeStep(*config, caller.name, referral, request->action));
        const v1::ReferralState from = referral.state();
        referral.set_state(decided.to);
        referral.set_version(referral.version() + 1);
        *referral.mutable_updated_at() = ToTimestamp(now);
        v1::Event event = NewEvent(decided.event, referral, caller.name, from,
                                   request->request_id, now);
        SX_RETURN_IF_ERROR(KeepStepSignature(txn, request->signed_step, event));
        SX_RETURN_IF_ERROR(
            ApplyStepEffects(txn, *config, *request, referral, event, now));
        SX_RETURN_IF_ERROR(KeepDeadlinesInStep(txn, referral, from, now));
        SX_RETURN_IF_ERROR(
            ResumePeriodicReports(txn, *config, referral, from, now));
        SX_RETURN_IF_ERROR(txn.UpdateReferral(referral));
        SX_RETURN_IF_ERROR(
            RecordAndNotify(txn, std::move(event), referral, decided.notify));
        SX_RETURN_IF_ERROR(RememberRequest(
            txn, caller, request->method, request->request_id,
            request->request_fingerprint, referral.referral_id()));
        *result = std::move(referral);
        return absl::OkStatus();
      },
      [result, config, caller, done = std::move(done)](absl::Status status) {
        if (!status.ok()) {
          done(status);
          return;
        }
        StripFeedbackAttachments(*result);
        // A supervisor may press a referral it is no party to; it learns
        // that its reminder landed, not what the parties wrote.
        if (!CheckCanRead(*config, caller.name, *result).ok()) {
          RedactContent(*result);
        }
        done(std::move(*result));
      });
}

void ExchangeCore::Acknowledge(const Identity& caller,
                               std::vector<uint64_t> sequences,
                               AckCallback done) {
  if (sequences.empty() || sequences.size() > kMaxAcksPerCall) {
    done(absl::InvalidArgumentError(absl::StrCat("sequences: between 1 and ",
                                                 kMaxAcksPerCall, " entries")));
    return;
  }
  std::shared_ptr<const HubConfig> config = this->config();
  auto acknowledged = std::make_shared<uint32_t>(0);
  const absl::Time now = clock_.Now();
  store_.Apply(
      [=](Transaction& txn) -> absl::Status {
        for (uint64_t sequence : sequences) {
          SX_ASSIGN_OR_RETURN(std::optional<v1::InboxEntry> entry,
                              txn.TakeInboxEntry(caller.name, sequence));
          if (!entry.has_value()) {
            // A late acknowledgement of an entry already moved aside as a
            // dead letter still counts: the consumer has it.
            SX_ASSIGN_OR_RETURN(entry,
                                txn.TakeDeadLetter(caller.name, sequence));
          }
          if (!entry.has_value()) continue;  // acknowledged before
          ++*acknowledged;
          if (entry->event().type() != v1::EVENT_TYPE_SUBMITTED) continue;
          // The recipient's system now holds the new referral: DELIVERED.
          SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                              txn.GetReferral(entry->event().referral_id()));
          if (!referral.has_value() ||
              referral->state() != v1::REFERRAL_STATE_SUBMITTED) {
            continue;  // already accepted, withdrawn, ... meanwhile
          }
          SX_ASSIGN_OR_RETURN(
              Step step,
              AuthorizeStep(*config, caller.name, *referral, Action::kDeliver));
          const v1::ReferralState from = referral->state();
          referral->set_state(step.to);
          referral->set_version(referral->version() + 1);
          *referral->mutable_updated_at() = ToTimestamp(now);
          SX_RETURN_IF_ERROR(txn.UpdateReferral(*referral));
          SX_RETURN_IF_ERROR(RecordAndNotify(
              txn, NewEvent(step.event, *referral, caller.name, from, "", now),
              *referral, step.notify));
        }
        return absl::OkStatus();
      },
      [acknowledged, done = std::move(done)](absl::Status status) {
        if (!status.ok()) {
          done(status);
          return;
        }
        done(*acknowledged);
      });
}

void ExchangeCore::RecordUnacknowledged(const Identity& caller,
                                        std::vector<uint64_t> sequences,
                                        storage::DurableCallback done) {
  const uint32_t max_attempts = config()->limits().max_delivery_attempts();
  const absl::Time now = clock_.Now();
  store_.Apply(
      [=](Transaction& txn) -> absl::Status {
        for (uint64_t sequence : sequences) {
          SX_ASSIGN_OR_RETURN(std::optional<v1::InboxEntry> entry,
                              txn.TakeInboxEntry(caller.name, sequence));
          if (!entry.has_value()) continue;  // acknowledged meanwhile
          entry->set_delivery_attempts(entry->delivery_attempts() + 1);
          if (entry->delivery_attempts() >= max_attempts) {
            SX_RETURN_IF_ERROR(txn.PutDeadLetter(caller.name, *entry, now));
          } else {
            // TakeInboxEntry deleted it; put it back with the new count.
            SX_RETURN_IF_ERROR(txn.RestoreInboxEntry(caller.name, *entry));
          }
        }
        return absl::OkStatus();
      },
      std::move(done));
}

absl::StatusOr<v1::Referral> ExchangeCore::Get(
    const Identity& caller, absl::string_view referral_id,
    bool include_attachment_content) {
  SX_RETURN_IF_ERROR(ValidateId("referral_id", referral_id));
  SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                      store_.GetReferral(referral_id));
  if (!referral.has_value())
    return NotAPartyOrMissing(caller.name, referral_id);
  SX_RETURN_IF_ERROR(CheckCanRead(*config(), caller.name, *referral));
  SX_ASSIGN_OR_RETURN(*referral->mutable_lead(), store_.GetLead(referral_id));
  if (!include_attachment_content) {
    StripAttachmentContent(*referral->mutable_lead()->mutable_attachments());
    StripFeedbackAttachments(*referral);
  }
  return *std::move(referral);
}

absl::StatusOr<v1::ListReferralStepsResponse> ExchangeCore::ListSteps(
    const Identity& caller, const v1::ListReferralStepsRequest& request) {
  constexpr uint32_t kMostSteps = 1000;
  SX_RETURN_IF_ERROR(ValidateId("referral_id", request.referral_id()));
  SX_ASSIGN_OR_RETURN(const size_t page_size,
                      ValidatePageSize(request.page_size(), kMostSteps,
                                       kMostSteps));
  SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                      store_.GetReferral(request.referral_id()));
  if (!referral.has_value()) {
    return NotAPartyOrMissing(caller.name, request.referral_id());
  }
  SX_RETURN_IF_ERROR(CheckCanRead(*config(), caller.name, *referral));
  storage::EventFilter filter;
  filter.referral_id = request.referral_id();
  SX_ASSIGN_OR_RETURN(
      EventPage page,
      ReadEventPage(store_, filter, request.page_token(), page_size));
  v1::ListReferralStepsResponse response;
  SigningCertificateCollector certificates(store_);
  for (v1::Event& event : page.events) {
    SX_RETURN_IF_ERROR(certificates.Add(event));
    *response.add_events() = std::move(event);
  }
  certificates.MoveTo(*response.mutable_signing_certificates());
  response.set_next_page_token(std::move(page.next_page_token));
  return response;
}

absl::StatusOr<v1::ListReferralsResponse> ExchangeCore::List(
    const Identity& caller, const v1::ListReferralsRequest& request) {
  if (request.role() != v1::PARTY_ROLE_SENDER &&
      request.role() != v1::PARTY_ROLE_RECIPIENT) {
    return absl::InvalidArgumentError("role: SENDER or RECIPIENT");
  }
  SX_ASSIGN_OR_RETURN(
      const size_t page_size,
      ValidatePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize));
  if (!request.page_token().empty()) {
    SX_RETURN_IF_ERROR(ValidateId("page_token", request.page_token()));
  }
  v1::ListReferralsResponse response;
  if (!request.states().empty()) {
    // In some states only: from the transfer index, which finds them
    // without walking the party's other referrals.
    TransferIndexQuery query;
    (request.role() == v1::PARTY_ROLE_SENDER ? query.sender_agency_id
                                             : query.recipient_agency_id) =
        caller.name;
    for (int state : request.states()) {
      query.states.push_back(static_cast<v1::ReferralState>(state));
    }
    SX_ASSIGN_OR_RETURN(
        TransferIndexPage page,
        ReadTransferIndex(store_, query, request.page_token(), page_size));
    for (v1::Referral& referral : page.referrals) {
      StripFeedbackAttachments(referral);
      *response.add_referrals() = std::move(referral);
    }
    response.set_next_page_token(page.next_page_token);
    return response;
  }
  SX_ASSIGN_OR_RETURN(
      storage::ReferralIdPage ids,
      store_.ListReferralIds(caller.name,
                             request.role() == v1::PARTY_ROLE_SENDER
                                 ? storage::Side::kSender
                                 : storage::Side::kRecipient,
                             request.page_token(), page_size));
  for (const std::string& id : ids.referral_ids) {
    SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                        store_.GetReferral(id));
    if (!referral.has_value()) {
      return absl::DataLossError(
          absl::StrCat("storage: indexed referral ", id, " is missing"));
    }
    StripFeedbackAttachments(*referral);
    *response.add_referrals() = std::move(*referral);
  }
  response.set_next_page_token(ids.next_before_id);
  return response;
}

absl::Status ExchangeCore::AttachReferral(const Identity& caller,
                                          v1::InboxEntry& entry,
                                          bool attachment_contents) {
  const std::string& id = entry.event().referral_id();
  SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                      store_.GetReferral(id));
  if (!referral.has_value()) {
    return absl::DataLossError(
        absl::StrCat("storage: referral ", id, " of an inbox entry is gone"));
  }
  if (!CheckCanRead(*config(), caller.name, *referral).ok()) {
    // A supervisor told of a warning or a missed deadline is no party to
    // the referral: it learns where the referral stands, not what it says.
    RedactContent(*referral);
    *entry.mutable_referral() = std::move(*referral);
    return absl::OkStatus();
  }
  if (entry.event().type() == v1::EVENT_TYPE_SUBMITTED &&
      referral->recipient_agency_id() == caller.name) {
    SX_ASSIGN_OR_RETURN(*referral->mutable_lead(), store_.GetLead(id));
    if (!attachment_contents) {
      StripAttachmentContent(*referral->mutable_lead()->mutable_attachments());
    }
  }
  // Every entry of a referral would otherwise repeat all its feedback
  // files; GetReferral fetches them when wanted.
  StripFeedbackAttachments(*referral);
  *entry.mutable_referral() = std::move(*referral);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::InboxEntry>> ExchangeCore::ReadInbox(
    const Identity& caller, uint64_t after_sequence, size_t limit) {
  SX_ASSIGN_OR_RETURN(std::vector<v1::InboxEntry> entries,
                      store_.ReadInbox(caller.name, after_sequence, limit));
  for (v1::InboxEntry& entry : entries) {
    SX_RETURN_IF_ERROR(
        AttachReferral(caller, entry, /*attachment_contents=*/true));
  }
  return entries;
}

absl::StatusOr<v1::PeekInboxResponse> ExchangeCore::PeekInbox(
    const Identity& caller, const v1::PeekInboxRequest& request) {
  SX_ASSIGN_OR_RETURN(
      const size_t page_size,
      ValidatePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize));
  // A reply as large as the largest request the hub takes, so that memory
  // per call stays what the call quota plans for, and every client that can
  // send a lead can read the page.
  const size_t max_reply_bytes = config()->limits().max_message_bytes();
  // One more than the page tells whether there is a next page.
  SX_ASSIGN_OR_RETURN(
      std::vector<v1::InboxEntry> entries,
      store_.ReadInbox(caller.name, request.after_sequence(), page_size + 1));
  v1::PeekInboxResponse response;
  size_t reply_bytes = 0;
  for (v1::InboxEntry& entry : entries) {
    // Leads one at a time, without attachment contents (GetReferral fetches
    // them): peak memory is one lead, not a page of them.
    SX_RETURN_IF_ERROR(
        AttachReferral(caller, entry, /*attachment_contents=*/false));
    const size_t entry_bytes = entry.ByteSizeLong();
    const bool page_full =
        static_cast<size_t>(response.entries_size()) == page_size ||
        (response.entries_size() > 0 &&
         reply_bytes + entry_bytes > max_reply_bytes);
    if (page_full) {
      response.set_next_after_sequence(
          response.entries(response.entries_size() - 1).sequence());
      break;
    }
    reply_bytes += entry_bytes;
    *response.add_entries() = std::move(entry);
  }
  return response;
}

}  // namespace sx::core
