#include "server/core/referral_steps.h"

#include <string>
#include <vector>

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
                             const v1::Referral& referral, Notify notify) {
  std::vector<std::string> concerned = {referral.sender_agency_id(),
                                        referral.recipient_agency_id()};
  // A supervisor's reminder concerns the supervisor too.
  if (event.actor() != "hub" && event.actor() != referral.sender_agency_id() &&
      event.actor() != referral.recipient_agency_id()) {
    concerned.push_back(event.actor());
  }
  SX_ASSIGN_OR_RETURN(v1::Event stored,
                      txn.AppendEvent(std::move(event), concerned));
  // Statistics count as the change is written, never by reading history.
  SX_RETURN_IF_ERROR(CountEvent(txn, stored, referral));
  if (notify == Notify::kSender || notify == Notify::kBoth) {
    SX_RETURN_IF_ERROR(
        txn.AppendInbox(referral.sender_agency_id(), stored).status());
  }
  if (notify == Notify::kRecipient || notify == Notify::kBoth) {
    SX_RETURN_IF_ERROR(
        txn.AppendInbox(referral.recipient_agency_id(), stored).status());
  }
  return absl::OkStatus();
}

absl::Status KeepDeadlinesInStep(storage::Transaction& txn,
                                 const v1::Referral& referral,
                                 v1::ReferralState from) {
  const v1::ReferralState to = referral.state();
  if (!OwesFeedback(from) && OwesFeedback(to) && !referral.feedback_overdue()) {
    SX_RETURN_IF_ERROR(txn.PutDeadline(
        storage::DeadlineKind::kFeedback,
        FromTimestamp(referral.feedback_due_at()), referral.referral_id()));
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
  }
  return absl::OkStatus();
}

}  // namespace sx::core
