// The referral state machine, in one table: for each action, the states it
// may start from, the state it leads to, which party may take it, the event
// it records and whose inbox hears of it. Pure: no storage, no clock.
//
//   absl::StatusOr<Step> step =
//       DecideStep(::supervision::v1::REFERRAL_STATE_DELIVERED,
//       Action::kAccept, Party::kRecipient);
//   // step->to == ACCEPTED, step->event == EVENT_TYPE_ACCEPTED
#pragma once

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
  // The hub's own steps when a deadline passes.
  kFlagAcceptOverdue,
  kFlagFeedbackOverdue,
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

// Whose inbox is told of a step.
enum class Notify { kNobody, kSender, kRecipient, kBoth };

struct Step {
  ::supervision::v1::ReferralState to;
  ::supervision::v1::EventType event;
  Notify notify;
};

// Human name of an action, for error messages ("accept", "close", ...).
absl::string_view ActionName(Action action);

// The step `party` may take with `action` from `current`, or
// PERMISSION_DENIED if that party may never take the action, or
// FAILED_PRECONDITION if the action is not allowed in `current`.
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
