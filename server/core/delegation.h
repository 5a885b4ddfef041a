// 交办 / 分办: the recipient of a referral hands the lead, or a part of the
// work, to another agency as a child referral, and stays answerable for it:
// the referral stays open with it, the child's results reach it (and the
// finder, an observer of the child), and its own final feedback waits for
// them and may cite them.
//
//   SX_ASSIGN_OR_RETURN(v1::Referral child,
//                       DelegateWork(txn, config, request, parent, now));
//   ...
//   SX_RETURN_IF_ERROR(
//       CheckDelegatesAnswered(txn, parent, Action::kFinalFeedback));
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "supervision/v1/referral.pb.h"
#include "sx/core/hub_config.h"
#include "sx/core/referral_state_machine.h"
#include "sx/core/step_request.h"
#include "sx/storage/store.h"

namespace sx::core {

// The request alone: a target agency, instructions, a due date ahead if any.
absl::Status ValidateDelegation(const StepRequest& request,
                                const ::supervision::v1::Limits& limits,
                                absl::Time now);

// Creates the child referral (the parent's lead, the request's
// instructions, the parent's sender and observers as its observers, a
// feedback deadline no later than the parent's, when it starts) and links
// it to `parent`.
// Refuses a target that the routes do not allow or that sent the lead on
// its way, a due date past the parent's, and more children than
// limits.max_delegations.
absl::StatusOr<::supervision::v1::Referral> DelegateWork(
    storage::Transaction& txn, const HubConfig& config,
    const StepRequest& request, ::supervision::v1::Referral& parent,
    absl::Time now);

// FAILED_PRECONDITION naming the delegated children that have neither sent
// final feedback nor ended: the parent's final feedback answers for them,
// and its holder may not hand it back (退回) or on (转办) while they work
// for it. `action` is the step asked for.
absl::Status CheckDelegatesAnswered(storage::Transaction& txn,
                                    const ::supervision::v1::Referral& parent,
                                    Action action);

// INVALID_ARGUMENT unless every referral the feedback cites is one of the
// referral's delegated children.
absl::Status CheckCitations(const ::supervision::v1::Referral& referral,
                            const ::supervision::v1::Feedback& feedback);

}  // namespace sx::core
