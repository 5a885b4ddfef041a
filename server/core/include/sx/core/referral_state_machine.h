// The referral state machine, in one table: for each action, the states it
// may start from, the state it leads to, which party may take it, the event
// it records, whose inbox hears of it and the sxctl command that asks for it.
// Pure: no storage, no clock. The hints in its error messages (which steps
// are open, which must come first) are read from the same table.
//
//   absl::StatusOr<Step> step =
//       DecideStep(::supervision::v1::REFERRAL_STATE_DELIVERED,
//       Action::kAccept, Party::kRecipient);
//   // step->to == ACCEPTED, step->event == EVENT_TYPE_ACCEPTED
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "supervision/v1/referral.pb.h"

namespace sx::core {

enum class Action {
  kDeliver,  // implicit: the recipient acknowledged the new-referral entry
  kAccept,
  kReturn,
  kReroute,
  kDispose,
  kInterimFeedback,
  kFinalFeedback,
  kClose,
  kWithdraw,
  kRemind,
  // 退回补充: the sender sends final feedback back for more.
  kRejectFeedback,
  // The hub's own steps when a deadline passes.
  kFlagAcceptOverdue,
  kFlagFeedbackOverdue,
  // Rectification ledger steps of a problem list (rectification.proto).
  // They leave the referral's state as it is; the item's own status moves
  // by the table in rectification_item_table.h.
  kAddRectificationItems,
  kReportRectification,
  kVerifyRectification,
  kRejectRectification,
  kFlagRectificationOverdue,
  // 暂存待查: a disposition that keeps the lead pending until a review date.
  kKeepPending,
  // Takes a kept-pending lead up again.
  kReopen,
  // 交办 / 分办: a child referral does (part of) the work; the referral
  // stays with its recipient.
  kDelegate,
  // The hub's reminder that a kept-pending lead is due for review.
  kFlagReviewDue,
  // The hub's staged warning (预警) before the feedback deadline.
  kFlagWarning,
  // The hub flags a missed periodic report of a case under review.
  kFlagReportOverdue,
};

// How the caller relates to a referral.
enum class Party {
  kSender,
  kRecipient,
  // An agency configured as supervisor, not otherwise a party.
  kSupervisor,
  // A sender of an ancestor referral (转办 chain): may read, not act.
  kObserver,
  kStranger,
  // The hub itself (deadline checks), never an agency.
  kHub,
};

// Whose inbox is told of a step. The referral's observers hear whatever its
// sender hears; the ...AndSupervisors values also tell every agency the
// config names supervisor that is neither party nor an observer told already.
enum class Notify {
  kNobody,
  kSender,
  kRecipient,
  kBoth,
  kRecipientAndSupervisors,
  // The feedback deadline missed (红, the last stage of the warnings): the
  // supervisors heard 蓝 and 黄, so they hear 红 too, and the sender hears
  // that what it is owed is late.
  kBothAndSupervisors
};

struct Step {
  ::supervision::v1::ReferralState to;
  ::supervision::v1::EventType event;
  Notify notify;
};

// Human name of an action, for error messages ("accept (签收)",
// "record a disposition (处置)", ...).
std::string ActionName(Action action);

// A state as sxctl and the SDK print it: "submitted", "feedback_sent", ...
std::string StateName(::supervision::v1::ReferralState state);

// The sxctl command that asks for `action` ("accept", "feedback --kind
// final"), or "" for the steps no command names: delivery (acknowledging the
// new-referral inbox entry takes it) and the hub's own.
absl::string_view CommandFor(Action action);

// Every action `party` may take from `state`, in the table's order.
std::vector<Action> AllowedActions(::supervision::v1::ReferralState state,
                                   Party party);

// For error messages, what `party` can do with a referral in `state` (the
// steps of the referral's own loop; ledger steps are not listed):
// "while the referral is delivered, the recipient may accept (签收, sxctl
// accept) or return (退回, sxctl return)" — the AllowedActions that a command
// asks for — or why there are none ("while the referral is feedback_sent,
// the recipient has no step to take", "a closed referral takes no further
// steps", "an observer takes no steps on a referral").
std::string NextStepsHint(::supervision::v1::ReferralState state, Party party);

// The step `party` may take with `action` from `current`, or
// PERMISSION_DENIED if that party may never take the action, or
// FAILED_PRECONDITION if the action is not allowed in `current`. Both
// messages end with NextStepsHint (a FAILED_PRECONDITION in a terminal state
// just says that the referral takes no further steps); FAILED_PRECONDITION
// names the state as sxctl prints it and says which steps, by whom, must come
// first when the table has a way from `current` to the action, or else in
// which states the action is open. Neither names more than the caller's
// party may know: the parties may read the referral, and a supervising
// agency learns its state from any reminder it sends. E.g.
//   cannot record a disposition (处置) on a referral that is delivered: the
//   recipient must first accept (签收, sxctl accept); while the referral is
//   delivered, the recipient may accept (签收, sxctl accept) or return (退回,
//   sxctl return)
absl::StatusOr<Step> DecideStep(::supervision::v1::ReferralState current,
                                Action action, Party party);

// True for CLOSED, RETURNED, REROUTED and WITHDRAWN.
bool IsTerminal(::supervision::v1::ReferralState state);

// Whether the recipient still owes acceptance (SUBMITTED, DELIVERED) or
// final feedback (any state before FEEDBACK_SENT that is not terminal): the
// states in which the matching deadline stands.
bool OwesAcceptance(::supervision::v1::ReferralState state);
bool OwesFeedback(::supervision::v1::ReferralState state);

}  // namespace sx::core
