#include "server/core/referral_steps.h"

#include <algorithm>
#include <string>
#include <vector>

#include "server/core/periodic_reports.h"
#include "server/core/statistics_counting.h"
#include "sx/base/status_macros.h"

namespace sx::core {

namespace v1 = ::supervision::v1;

v1::Event NewEvent(v1::EventType type, const v1::Referral& referral,
                   absl::string_view actor, v1::ReferralState from,
                   absl::string_view request_id, absl::Time now) {
  v1::Event event;
  event.set_type(type);
  event.set_referral_id(referral.referral_id());
  event.set_actor(std::string(actor));
  *event.mutable_time() = ToTimestamp(now);
  event.set_from_state(from);
  event.set_to_state(referral.state());
  event.set_request_id(std::string(request_id));
  return event;
}

absl::Status KeepStepSignature(storage::Transaction& txn,
                               const std::optional<SignedStep>& signed_step,
                               v1::Event& event) {
  if (!signed_step.has_value()) return absl::OkStatus();
  *event.mutable_step_signature() = signed_step->signature;
  return txn.PutSigningCertificate(signed_step->signature.certificate_sha256(),
                                   signed_step->certificate_der);
}

void StripAttachmentContent(
    google::protobuf::RepeatedPtrField<v1::Attachment>& attachments) {
  for (v1::Attachment& attachment : attachments) attachment.clear_content();
}

void StripFeedbackAttachments(v1::Referral& referral) {
  for (v1::Feedback& feedback : *referral.mutable_feedback()) {
    StripAttachmentContent(*feedback.mutable_attachments());
  }
}

absl::Status RecordAndNotify(storage::Transaction& txn, v1::Event event,
                             const v1::Referral& referral, Notify notify,
                             const std::vector<std::string>& supervisors) {
  std::vector<std::string> concerned = {referral.sender_agency_id(),
                                        referral.recipient_agency_id()};
  const bool tells_sender = notify == Notify::kSender ||
                            notify == Notify::kBoth ||
                            notify == Notify::kBothAndSupervisors;
  const bool tells_recipient = notify == Notify::kRecipient ||
                               notify == Notify::kBoth ||
                               notify == Notify::kRecipientAndSupervisors ||
                               notify == Notify::kBothAndSupervisors;
  const bool tells_supervisors = notify == Notify::kRecipientAndSupervisors ||
                                 notify == Notify::kBothAndSupervisors;
  // Observers (whoever sent the lead on its way: the finder of a lead that
  // was rerouted or delegated) follow it as its sender does.
  if (tells_sender) {
    for (const std::string& observer : referral.observer_agency_ids()) {
      concerned.push_back(observer);
    }
  }
  // Supervisors other than the parties themselves (and than the observers
  // told as the sender's followers): each agency hears it once.
  std::vector<std::string> also_supervisors;
  if (tells_supervisors) {
    for (const std::string& supervisor : supervisors) {
      if (std::find(concerned.begin(), concerned.end(), supervisor) !=
          concerned.end()) {
        continue;
      }
      also_supervisors.push_back(supervisor);
      concerned.push_back(supervisor);
    }
  }
  // A supervisor's reminder concerns the supervisor too.
  if (event.actor() != "hub" && event.actor() != referral.sender_agency_id() &&
      event.actor() != referral.recipient_agency_id()) {
    concerned.push_back(event.actor());
  }
  SX_ASSIGN_OR_RETURN(v1::Event stored,
                      txn.AppendEvent(std::move(event), concerned));
  // Statistics count as the change is written, never by reading history.
  SX_RETURN_IF_ERROR(CountEvent(txn, stored, referral));
  if (tells_sender) {
    SX_RETURN_IF_ERROR(
        txn.AppendInbox(referral.sender_agency_id(), stored).status());
    for (const std::string& observer : referral.observer_agency_ids()) {
      SX_RETURN_IF_ERROR(txn.AppendInbox(observer, stored).status());
    }
  }
  if (tells_recipient) {
    SX_RETURN_IF_ERROR(
        txn.AppendInbox(referral.recipient_agency_id(), stored).status());
  }
  for (const std::string& supervisor : also_supervisors) {
    SX_RETURN_IF_ERROR(txn.AppendInbox(supervisor, stored).status());
  }
  return absl::OkStatus();
}

absl::Status KeepDeadlinesInStep(storage::Transaction& txn,
                                 v1::Referral& referral, v1::ReferralState from,
                                 absl::Time now) {
  const v1::ReferralState to = referral.state();
  constexpr v1::ReferralState kKeptPending = v1::REFERRAL_STATE_KEPT_PENDING;
  if (to == kKeptPending && from != kKeptPending) {
    *referral.mutable_paused_at() = ToTimestamp(now);
  }
  if (from == kKeptPending && to != kKeptPending) {
    if (referral.has_review_at()) {
      SX_RETURN_IF_ERROR(txn.DeleteDeadline(storage::DeadlineKind::kReview,
                                            FromTimestamp(referral.review_at()),
                                            referral.referral_id()));
    }
    // The feedback clock stood still while the lead was kept pending; the
    // warnings still to come move on with it.
    if (referral.has_paused_at()) {
      const absl::Duration paused = now - FromTimestamp(referral.paused_at());
      auto move_on = [&](google::protobuf::Timestamp* moment) {
        *moment = ToTimestamp(FromTimestamp(*moment) + paused);
      };
      move_on(referral.mutable_feedback_due_at());
      if (referral.has_blue_warning_at()) {
        move_on(referral.mutable_blue_warning_at());
      }
      if (referral.has_yellow_warning_at()) {
        move_on(referral.mutable_yellow_warning_at());
      }
    }
    referral.clear_review_at();
    referral.clear_paused_at();
  }
  if (!OwesFeedback(from) && OwesFeedback(to) && !referral.feedback_overdue()) {
    SX_RETURN_IF_ERROR(txn.PutDeadline(
        storage::DeadlineKind::kFeedback,
        FromTimestamp(referral.feedback_due_at()), referral.referral_id()));
    SX_RETURN_IF_ERROR(PutWarningDeadlines(txn, referral));
  }
  if (OwesAcceptance(from) && !OwesAcceptance(to)) {
    SX_RETURN_IF_ERROR(txn.DeleteDeadline(
        storage::DeadlineKind::kAccept, FromTimestamp(referral.accept_due_at()),
        referral.referral_id()));
  }
  if (OwesFeedback(from) && !OwesFeedback(to)) {
    SX_RETURN_IF_ERROR(txn.DeleteDeadline(
        storage::DeadlineKind::kFeedback,
        FromTimestamp(referral.feedback_due_at()), referral.referral_id()));
    SX_RETURN_IF_ERROR(DeleteWarningDeadlines(txn, referral));
    SX_RETURN_IF_ERROR(EndPeriodicReports(txn, referral));
  }
  return absl::OkStatus();
}

absl::Status PutWarningDeadlines(storage::Transaction& txn,
                                 const v1::Referral& referral) {
  if (referral.has_blue_warning_at()) {
    SX_RETURN_IF_ERROR(txn.PutDeadline(
        storage::DeadlineKind::kBlueWarning,
        FromTimestamp(referral.blue_warning_at()), referral.referral_id()));
  }
  if (referral.has_yellow_warning_at()) {
    SX_RETURN_IF_ERROR(txn.PutDeadline(
        storage::DeadlineKind::kYellowWarning,
        FromTimestamp(referral.yellow_warning_at()), referral.referral_id()));
  }
  return absl::OkStatus();
}

absl::Status DeleteWarningDeadlines(storage::Transaction& txn,
                                    const v1::Referral& referral) {
  if (referral.has_blue_warning_at()) {
    SX_RETURN_IF_ERROR(txn.DeleteDeadline(
        storage::DeadlineKind::kBlueWarning,
        FromTimestamp(referral.blue_warning_at()), referral.referral_id()));
  }
  if (referral.has_yellow_warning_at()) {
    SX_RETURN_IF_ERROR(txn.DeleteDeadline(
        storage::DeadlineKind::kYellowWarning,
        FromTimestamp(referral.yellow_warning_at()), referral.referral_id()));
  }
  return absl::OkStatus();
}

absl::Status SetReviewDate(storage::Transaction& txn, v1::Referral& referral,
                           absl::Time review_at) {
  if (referral.has_review_at()) {
    SX_RETURN_IF_ERROR(txn.DeleteDeadline(storage::DeadlineKind::kReview,
                                          FromTimestamp(referral.review_at()),
                                          referral.referral_id()));
  }
  *referral.mutable_review_at() = ToTimestamp(review_at);
  return txn.PutDeadline(storage::DeadlineKind::kReview, review_at,
                         referral.referral_id());
}

}  // namespace sx::core
