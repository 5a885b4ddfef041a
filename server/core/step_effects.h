// What each step on a referral carries besides its change of state: the
// reason, the disposition record, the feedback, the reminder, the child of a
// 转办 or 交办, the review date of 暂存待查. ExchangeCore::TakeStep checks the
// request with ValidateStepRequest before its transaction, decides the step
// with the state machine, and applies these effects inside it.
#pragma once

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "supervision/v1/referral.pb.h"
#include "sx/core/hub_config.h"
#include "sx/core/step_request.h"
#include "sx/storage/store.h"

namespace sx::core {

// The request alone, before any storage is read: ids, required texts within
// limits, the disposition rules that need no history, dates ahead.
// INVALID_ARGUMENT names the field.
absl::Status ValidateStepRequest(const StepRequest& request,
                                 const HubConfig& config, absl::Time now);

// Applies the step's own effects to `referral` (already in its new state)
// and to `event`, writing whatever else the step creates (a child referral,
// a review date) in `txn`. Checks that need the stored history (an earlier
// 初步核实, delegated children answered, a ledger settled) refuse the step
// here, before anything is written.
absl::Status ApplyStepEffects(storage::Transaction& txn,
                              const HubConfig& config,
                              const StepRequest& request,
                              ::supervision::v1::Referral& referral,
                              ::supervision::v1::Event& event, absl::Time now);

}  // namespace sx::core
