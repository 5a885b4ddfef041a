#include "server/core/step_effects.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/core/delegation.h"
#include "server/core/disposition_records.h"
#include "server/core/periodic_reports.h"
#include "server/core/rectification_ledger.h"
#include "server/core/referral_creation.h"
#include "server/core/referral_steps.h"
#include "sx/base/sha256.h"
#include "sx/base/status_macros.h"
#include "sx/core/access_policy.h"
#include "sx/core/request_validation.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

// 转办: the child carries the lead and what is still open of the ledger on;
// the referral itself ends.
absl::Status Reroute(storage::Transaction& txn, const HubConfig& config,
                     const StepRequest& request, v1::Referral& referral,
                     v1::Event& event, absl::Time now) {
  SX_RETURN_IF_ERROR(CheckOnward(referral, request.target_agency_id));
  SX_RETURN_IF_ERROR(CheckRoute(config, referral.recipient_agency_id(),
                                request.target_agency_id, referral.kind()));
  SX_ASSIGN_OR_RETURN(v1::Lead lead, txn.GetLead(referral.referral_id()));
  NewReferralParams params =
      OnwardParams(referral, request.target_agency_id, request.request_id);
  // The child exists because of the signed reroute: its SUBMITTED event
  // keeps that signature too.
  params.signed_step = request.signed_step;
  SX_ASSIGN_OR_RETURN(ItemDrafts open_items,
                      OpenItemsAsDrafts(txn, referral, now));
  SX_ASSIGN_OR_RETURN(
      v1::Referral child,
      CreateAndDeliver(txn, config, params, lead, open_items, now));
  referral.set_child_referral_id(child.referral_id());
  StepRequest transfer = request;
  transfer.disposition = v1::DISPOSITION_METHOD_TRANSFER;
  AppendDisposition(referral, transfer, now);
  referral.set_state_reason(request.text);
  event.set_disposition(v1::DISPOSITION_METHOD_TRANSFER);
  event.set_reason(request.text);
  event.set_related_referral_id(child.referral_id());
  return absl::OkStatus();
}

absl::Status Dispose(storage::Transaction& txn, const HubConfig& config,
                     const StepRequest& request, v1::Referral& referral,
                     v1::Event& event, absl::Time now) {
  SX_RETURN_IF_ERROR(CheckDispositionHistory(config.disposition_rules(),
                                             referral, request.disposition));
  if (request.action == Action::kKeepPending) {
    SX_RETURN_IF_ERROR(SetReviewDate(txn, referral, *request.due_at));
  }
  const v1::DispositionRecord& record =
      AppendDisposition(referral, request, now);
  if (record.method() == v1::DISPOSITION_METHOD_CASE_FILED) {
    SX_RETURN_IF_ERROR(StartPeriodicReports(txn, config, referral, now));
  }
  event.set_disposition(record.method());
  // The chain commits to who handled and approved it, without holding it.
  event.set_content_sha256(Sha256(record.SerializeAsString()));
  return absl::OkStatus();
}

// 催办 / 督办 / 挂牌督办: the reminder at its level; the referral keeps the
// highest level reached. Listing a matter (挂牌) is a supervisor's act.
absl::Status Remind(const HubConfig& config, const StepRequest& request,
                    v1::Referral& referral, v1::Event& event, absl::Time now) {
  const v1::SupervisionLevel level =
      request.supervision_level == v1::SUPERVISION_LEVEL_UNSPECIFIED
          ? v1::SUPERVISION_LEVEL_URGE
          : request.supervision_level;
  const v1::Agency* caller = config.FindAgency(event.actor());
  if (level == v1::SUPERVISION_LEVEL_LISTED &&
      (caller == nullptr || !caller->supervisor())) {
    return absl::PermissionDeniedError(absl::StrCat(
        "only an agency the hub config names supervisor may list a matter "
        "for supervision (挂牌督办), and ",
        event.actor(), " is not one; it may send 催办 or 督办"));
  }
  v1::Reminder& reminder = *referral.add_reminders();
  reminder.set_from_agency_id(event.actor());
  reminder.set_text(request.text);
  *reminder.mutable_sent_at() = ToTimestamp(now);
  reminder.set_level(level);
  referral.set_supervision_level(std::max(referral.supervision_level(), level));
  event.set_supervision_level(level);
  event.set_content_sha256(Sha256(reminder.SerializeAsString()));
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateStepRequest(const StepRequest& request,
                                 const HubConfig& config, absl::Time now) {
  const v1::Limits& limits = config.limits();
  SX_RETURN_IF_ERROR(ValidateId("request_id", request.request_id));
  SX_RETURN_IF_ERROR(ValidateId("referral_id", request.referral_id));
  switch (request.action) {
    case Action::kReturn:
    case Action::kWithdraw:
    case Action::kRejectFeedback:
    case Action::kReopen:
      return ValidateText("reason", request.text, limits);
    case Action::kReroute:
      SX_RETURN_IF_ERROR(
          ValidateId("target_agency_id", request.target_agency_id));
      return ValidateText("reason", request.text, limits);
    case Action::kRemind:
      if (!v1::SupervisionLevel_IsValid(request.supervision_level)) {
        return absl::InvalidArgumentError(
            "level: 催办 (URGE), 督办 (SUPERVISE) or 挂牌督办 (LISTED)");
      }
      return ValidateText("text", request.text, limits);
    case Action::kDispose:
    case Action::kKeepPending:
      return ValidateDisposition(request, config.disposition_rules(), limits,
                                 now);
    case Action::kDelegate:
      return ValidateDelegation(request, limits, now);
    default:
      return absl::OkStatus();
  }
}

absl::Status ApplyStepEffects(storage::Transaction& txn,
                              const HubConfig& config,
                              const StepRequest& request,
                              v1::Referral& referral, v1::Event& event,
                              absl::Time now) {
  switch (request.action) {
    case Action::kReturn:
      SX_RETURN_IF_ERROR(CheckDelegatesAnswered(txn, referral, request.action));
      [[fallthrough]];
    case Action::kWithdraw:
    case Action::kRejectFeedback:
    case Action::kReopen:
      referral.set_state_reason(request.text);
      event.set_reason(request.text);
      return absl::OkStatus();
    case Action::kDispose:
    case Action::kKeepPending:
      return Dispose(txn, config, request, referral, event, now);
    case Action::kFinalFeedback:
      SX_RETURN_IF_ERROR(CheckDelegatesAnswered(txn, referral, request.action));
      [[fallthrough]];
    case Action::kInterimFeedback: {
      SX_RETURN_IF_ERROR(CheckCitations(referral, request.feedback));
      if (request.action == Action::kInterimFeedback) {
        SX_RETURN_IF_ERROR(ScheduleNextReport(txn, config, referral, now));
      }
      v1::Feedback& feedback = *referral.add_feedback();
      feedback = request.feedback;
      *feedback.mutable_sent_at() = ToTimestamp(now);
      event.set_content_sha256(Sha256(feedback.SerializeAsString()));
      return absl::OkStatus();
    }
    case Action::kRemind:
      return Remind(config, request, referral, event, now);
    case Action::kReroute:
      SX_RETURN_IF_ERROR(CheckDelegatesAnswered(txn, referral, request.action));
      return Reroute(txn, config, request, referral, event, now);
    case Action::kDelegate: {
      SX_ASSIGN_OR_RETURN(v1::Referral child,
                          DelegateWork(txn, config, request, referral, now));
      event.set_related_referral_id(child.referral_id());
      // The instructions may tell of the lead: the chain holds their digest.
      event.set_content_sha256(Sha256(request.text));
      return absl::OkStatus();
    }
    case Action::kClose:
      return CheckLedgerSettled(txn, referral);
    default:
      return absl::OkStatus();
  }
}

}  // namespace sx::core
