#include "server/core/referral_creation.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/core/deadline_plan.h"
#include "server/core/referral_steps.h"
#include "sx/base/sha256.h"
#include "sx/base/status_macros.h"
#include "sx/core/access_policy.h"
#include "sx/core/request_validation.h"

namespace sx::core {

namespace v1 = ::supervision::v1;

absl::Status SealNewReferralContent(v1::ReferralKind kind, v1::Lead* lead,
                                    const ItemDrafts& items,
                                    const v1::Limits& limits) {
  if (kind == v1::REFERRAL_KIND_UNSPECIFIED ||
      !v1::ReferralKind_IsValid(kind)) {
    return absl::InvalidArgumentError("kind: required");
  }
  if (lead == nullptr) return absl::InvalidArgumentError("lead: required");
  SX_RETURN_IF_ERROR(SealLead(*lead, limits));
  if (!items.empty() && kind != v1::REFERRAL_KIND_PROBLEM_LIST) {
    return absl::InvalidArgumentError(
        "rectification_items: only a problem list (kind PROBLEM_LIST) "
        "carries rectification items");
  }
  return ValidateItemDrafts("rectification_items", items, limits);
}

absl::Status CheckResubmittable(storage::Transaction& txn,
                                absl::string_view caller,
                                absl::string_view original_id) {
  SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> original,
                      txn.GetReferral(original_id));
  if (!original.has_value() || original->sender_agency_id() != caller) {
    return NotAPartyOrMissing(caller, original_id);
  }
  if (original->state() != v1::REFERRAL_STATE_RETURNED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "resubmits_referral_id: only a returned (退回) referral can be sent "
        "again, and ",
        original_id, " is ", StateName(original->state())));
  }
  return absl::OkStatus();
}

absl::Status CheckOnward(const v1::Referral& parent, absl::string_view target) {
  const auto& observers = parent.observer_agency_ids();
  if (target == parent.sender_agency_id() ||
      std::find(observers.begin(), observers.end(), target) !=
          observers.end()) {
    return absl::InvalidArgumentError(
        "target_agency_id: that agency sent this lead on its way; use "
        "ReturnReferral (退回) to send it back");
  }
  return absl::OkStatus();
}

NewReferralParams OnwardParams(const v1::Referral& parent,
                               absl::string_view target,
                               absl::string_view request_id) {
  NewReferralParams params;
  params.sender = parent.recipient_agency_id();
  params.recipient = std::string(target);
  params.kind = parent.kind();
  params.parent_referral_id = parent.referral_id();
  params.observers = {parent.observer_agency_ids().begin(),
                      parent.observer_agency_ids().end()};
  params.observers.push_back(parent.sender_agency_id());
  params.request_id = std::string(request_id);
  return params;
}

absl::StatusOr<v1::Referral> CreateAndDeliver(storage::Transaction& txn,
                                              const HubConfig& config,
                                              const NewReferralParams& params,
                                              const v1::Lead& lead,
                                              const ItemDrafts& items,
                                              absl::Time now) {
  SX_ASSIGN_OR_RETURN(std::string id, txn.NewReferralId());
  const v1::Deadlines& deadlines = config.deadlines();
  const bool fast = lead.urgency() == v1::URGENCY_FAST_TRACK;
  const absl::Duration accept_within =
      absl::Hours(fast ? deadlines.fast_track_accept_within_hours()
                       : deadlines.accept_within_hours());
  const absl::Time feedback_due = params.feedback_due_at.value_or(
      FeedbackDueFor(config, params.kind, lead.urgency(), now));

  v1::Referral referral;
  referral.set_referral_id(id);
  referral.set_kind(params.kind);
  referral.set_sender_agency_id(params.sender);
  referral.set_recipient_agency_id(params.recipient);
  referral.set_state(v1::REFERRAL_STATE_SUBMITTED);
  referral.set_urgency(lead.urgency());
  *referral.mutable_created_at() = ToTimestamp(now);
  *referral.mutable_updated_at() = ToTimestamp(now);
  *referral.mutable_accept_due_at() = ToTimestamp(now + accept_within);
  *referral.mutable_feedback_due_at() = ToTimestamp(feedback_due);
  referral.set_parent_referral_id(params.parent_referral_id);
  referral.set_distribution_id(params.distribution_id);
  referral.set_resubmission_of(params.resubmission_of);
  referral.set_delegated(params.delegated);
  referral.set_delegation_instructions(params.delegation_instructions);
  for (const std::string& observer : params.observers) {
    referral.add_observer_agency_ids(observer);
  }
  referral.set_version(1);
  PlanWarnings(config, now, referral);
  std::vector<uint32_t> item_numbers;
  if (!items.empty()) {
    SX_ASSIGN_OR_RETURN(
        item_numbers,
        AddLedgerItems(txn, referral, items, params.sender,
                       config.limits().max_rectification_items(), now));
  }
  SX_RETURN_IF_ERROR(txn.CreateReferral(referral, lead));
  SX_RETURN_IF_ERROR(
      txn.PutDeadline(storage::DeadlineKind::kAccept, now + accept_within, id));
  SX_RETURN_IF_ERROR(
      txn.PutDeadline(storage::DeadlineKind::kFeedback, feedback_due, id));
  SX_RETURN_IF_ERROR(PutWarningDeadlines(txn, referral));

  v1::Event event =
      NewEvent(v1::EVENT_TYPE_SUBMITTED, referral, params.sender,
               v1::REFERRAL_STATE_UNSPECIFIED, params.request_id, now);
  event.set_related_referral_id(params.resubmission_of.empty()
                                    ? params.parent_referral_id
                                    : params.resubmission_of);
  if (!items.empty()) {
    // The chain commits to the list's items as much as to its lead.
    event.set_content_sha256(
        Sha256(absl::StrCat(lead.SerializeAsString(), ItemDraftBytes(items))));
    for (uint32_t number : item_numbers) event.add_item_numbers(number);
  } else {
    event.set_content_sha256(params.lead_sha256.empty()
                                 ? Sha256(lead.SerializeAsString())
                                 : params.lead_sha256);
  }
  SX_RETURN_IF_ERROR(KeepStepSignature(txn, params.signed_step, event));
  SX_RETURN_IF_ERROR(
      RecordAndNotify(txn, std::move(event), referral, Notify::kRecipient));
  return referral;
}

}  // namespace sx::core
