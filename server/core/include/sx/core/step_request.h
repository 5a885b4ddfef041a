// One step on an existing referral, as a caller asks for it. The server
// builds it from whichever RPC was called; every step takes the one path
// through ExchangeCore::TakeStep.
#pragma once

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "supervision/v1/referral.pb.h"
#include "sx/core/referral_state_machine.h"
#include "sx/core/signed_step.h"

namespace sx::core {

struct StepRequest {
  Action action;
  // RPC method name, remembered with the request id to detect reuse.
  std::string method;
  std::string request_id;
  // SHA-256 of the request's bytes: a retry must send the same request.
  std::string request_fingerprint;
  std::string referral_id;
  // Reason (return, withdraw, reroute, reject feedback, reopen, a
  // disposition's), reminder text, or a delegation's instructions.
  std::string text;
  // Reroute and delegate: the agency that is to take the lead on.
  std::string target_agency_id;
  // Dispose only. KEPT_PENDING (暂存待查) makes the step kKeepPending.
  ::supervision::v1::DispositionMethod disposition =
      ::supervision::v1::DISPOSITION_METHOD_UNSPECIFIED;
  // Dispose: who handles the lead (承办人), who approved the decision and
  // the approval's reference (DispositionRecord).
  std::string handler;
  std::string approver;
  std::string approval_reference;
  // Keep pending: the review date. Delegate: the child's feedback deadline,
  // if earlier than the parent's.
  std::optional<absl::Time> due_at;
  // Remind only: 催办 (also for UNSPECIFIED), 督办 or 挂牌督办.
  ::supervision::v1::SupervisionLevel supervision_level =
      ::supervision::v1::SUPERVISION_LEVEL_UNSPECIFIED;
  // Feedback only.
  ::supervision::v1::Feedback feedback;
  // The caller's signature of the request, if it signed it.
  std::optional<SignedStep> signed_step;
};

}  // namespace sx::core
