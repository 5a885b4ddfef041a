// Disposition records (处置): what the recipient decided, who handles it and
// who approved it, checked against the hub's disposition rules
// (config.proto DispositionRules) and kept, every one, on the referral.
//
//   SX_RETURN_IF_ERROR(ValidateDisposition(request, rules, limits, now));
//   ...in the transaction, with the stored referral:
//   SX_RETURN_IF_ERROR(CheckDispositionHistory(rules, referral, method));
//   const v1::DispositionRecord& record =
//       AppendDisposition(referral, request, now);
#pragma once

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "supervision/v1/config.pb.h"
#include "supervision/v1/referral.pb.h"
#include "sx/core/step_request.h"

namespace sx::core {

// The request alone: a method RecordDisposition may record, texts within
// limits, a review date in the future exactly when the method is 暂存待查,
// and the fields the rules require (an approver and a reason for 予以了结,
// a handler if require_handler). INVALID_ARGUMENT names what is missing.
absl::Status ValidateDisposition(
    const StepRequest& request,
    const ::supervision::v1::DispositionRules& rules,
    const ::supervision::v1::Limits& limits, absl::Time now);

// The referral's history: 立案审查调查 needs an earlier 初步核实 unless the
// rules allow otherwise (FAILED_PRECONDITION saying so).
absl::Status CheckDispositionHistory(
    const ::supervision::v1::DispositionRules& rules,
    const ::supervision::v1::Referral& referral,
    ::supervision::v1::DispositionMethod method);

// Adds the request's decision to the referral's dispositions (and makes its
// method the current one); returns the record as stored.
const ::supervision::v1::DispositionRecord& AppendDisposition(
    ::supervision::v1::Referral& referral, const StepRequest& request,
    absl::Time now);

}  // namespace sx::core
