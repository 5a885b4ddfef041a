// The building blocks every change to a referral is made of, shared by the
// exchange flows, the deadline watcher and the admin tools: events, inbox
// notifications and the deadline index.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "supervision/v1/referral.pb.h"
#include "sx/core/referral_state_machine.h"
#include "sx/core/signed_step.h"
#include "sx/core/timestamps.h"
#include "sx/storage/store.h"

namespace sx::core {

// An event for a step just applied to `referral` (whose state is already
// the new one).
::supervision::v1::Event NewEvent(::supervision::v1::EventType type,
                                  const ::supervision::v1::Referral& referral,
                                  absl::string_view actor,
                                  ::supervision::v1::ReferralState from,
                                  absl::string_view request_id, absl::Time now);

// If the step was signed: puts the signature on the step's `event` and keeps
// the signing certificate in the same transaction.
absl::Status KeepStepSignature(storage::Transaction& txn,
                               const std::optional<SignedStep>& signed_step,
                               ::supervision::v1::Event& event);

// Replies carry attachments' names, sizes and digests; the bytes only when
// asked for (GetReferral). These drop the bytes.
void StripAttachmentContent(
    google::protobuf::RepeatedPtrField<::supervision::v1::Attachment>&
        attachments);
void StripFeedbackAttachments(::supervision::v1::Referral& referral);

// Appends the event (indexed for the referral's parties and the actor),
// counts it in the statistics, and tells the party or parties the step
// names; the referral's observers hear whatever its sender hears.
// `supervisors` (the config's) are told for kRecipientAndSupervisors and
// kBothAndSupervisors, except the referral's sender and recipient and the
// observers already told with the sender: no agency hears a step twice.
absl::Status RecordAndNotify(storage::Transaction& txn,
                             ::supervision::v1::Event event,
                             const ::supervision::v1::Referral& referral,
                             Notify notify,
                             const std::vector<std::string>& supervisors = {});

// Keeps the deadline index in step with a state change: a deadline stands
// while the recipient owes its step, is removed when it no longer does, and
// stands again, at its original time, when the recipient owes it again
// (退回补充) — unless the hub already flagged it missed. Keeping a lead
// pending (暂存待查) pauses the feedback clock (paused_at); leaving that
// state removes the review date and moves the feedback deadline on by the
// pause.
absl::Status KeepDeadlinesInStep(storage::Transaction& txn,
                                 ::supervision::v1::Referral& referral,
                                 ::supervision::v1::ReferralState from,
                                 absl::Time now);

// The deadline index entries of the referral's staged warnings still to
// come (blue_warning_at, yellow_warning_at): put with its feedback deadline,
// deleted with it.
absl::Status PutWarningDeadlines(storage::Transaction& txn,
                                 const ::supervision::v1::Referral& referral);
absl::Status DeleteWarningDeadlines(
    storage::Transaction& txn, const ::supervision::v1::Referral& referral);

// Sets a kept-pending referral's review date, replacing any earlier one in
// the deadline index (the hub reminds the recipient on that date).
absl::Status SetReviewDate(storage::Transaction& txn,
                           ::supervision::v1::Referral& referral,
                           absl::Time review_at);

}  // namespace sx::core
