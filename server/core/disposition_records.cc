#include "server/core/disposition_records.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "sx/base/status_macros.h"
#include "sx/core/request_validation.h"
#include "sx/core/timestamps.h"

namespace sx::core {

namespace v1 = ::supervision::v1;

absl::Status ValidateDisposition(const StepRequest& request,
                                 const v1::DispositionRules& rules,
                                 const v1::Limits& limits, absl::Time now) {
  const v1::DispositionMethod method = request.disposition;
  if (method == v1::DISPOSITION_METHOD_TRANSFER) {
    return absl::InvalidArgumentError(
        "method: 转办 (TRANSFER) is recorded by RerouteReferral, which names "
        "the competent agency");
  }
  if (method == v1::DISPOSITION_METHOD_UNSPECIFIED ||
      !v1::DispositionMethod_IsValid(method)) {
    return absl::InvalidArgumentError("method: required");
  }
  SX_RETURN_IF_ERROR(ValidateOptionalText("handler", request.handler, limits));
  SX_RETURN_IF_ERROR(
      ValidateOptionalText("approver", request.approver, limits));
  SX_RETURN_IF_ERROR(ValidateOptionalText("approval_reference",
                                          request.approval_reference, limits));
  SX_RETURN_IF_ERROR(ValidateOptionalText("reason", request.text, limits));
  if (method == v1::DISPOSITION_METHOD_KEPT_PENDING) {
    if (!request.due_at.has_value()) {
      return absl::InvalidArgumentError(
          "review_at: 暂存待查 (KEPT_PENDING) needs the date the lead is to be "
          "reviewed again");
    }
    if (*request.due_at <= now) {
      return absl::InvalidArgumentError(
          absl::StrCat("review_at: ", absl::FormatTime(*request.due_at),
                       " has passed; a review date must lie ahead"));
    }
  } else if (request.due_at.has_value()) {
    return absl::InvalidArgumentError(
        "review_at: only 暂存待查 (KEPT_PENDING) has a review date");
  }
  auto blank = [](absl::string_view text) {
    return absl::StripAsciiWhitespace(text).empty();
  };
  if (rules.require_handler() && blank(request.handler)) {
    return absl::InvalidArgumentError(
        "handler: the hub's disposition rules require every disposition to "
        "name its handler (承办人)");
  }
  if (method == v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION &&
      !rules.allow_closing_without_approval()) {
    if (blank(request.approver)) {
      return absl::InvalidArgumentError(
          "approver: 予以了结 (CLOSED_WITHOUT_ACTION) needs the approver "
          "(审核/批准人) who agreed to close the lead without action, and a "
          "reason");
    }
    if (blank(request.text)) {
      return absl::InvalidArgumentError(
          "reason: 予以了结 (CLOSED_WITHOUT_ACTION) needs a written reason "
          "why the lead is closed without action");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckDispositionHistory(const v1::DispositionRules& rules,
                                     const v1::Referral& referral,
                                     v1::DispositionMethod method) {
  if (method != v1::DISPOSITION_METHOD_CASE_FILED ||
      rules.allow_case_filing_without_verification()) {
    return absl::OkStatus();
  }
  // A referral from before disposition records has only its last method.
  if (referral.disposition() ==
      v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION) {
    return absl::OkStatus();
  }
  for (const v1::DispositionRecord& record : referral.dispositions()) {
    if (record.method() == v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION) {
      return absl::OkStatus();
    }
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot record 立案审查调查 (CASE_FILED) on ", referral.referral_id(),
      ": a case is filed after 初步核实 (PRELIMINARY_VERIFICATION), and none "
      "was recorded on this referral; record the preliminary verification "
      "first (the hub's disposition_rules.allow_case_filing_without_"
      "verification lifts this rule)"));
}

const v1::DispositionRecord& AppendDisposition(v1::Referral& referral,
                                               const StepRequest& request,
                                               absl::Time now) {
  v1::DispositionRecord& record = *referral.add_dispositions();
  record.set_method(request.disposition);
  record.set_handler(request.handler);
  record.set_approver(request.approver);
  record.set_approval_reference(request.approval_reference);
  record.set_reason(request.text);
  *record.mutable_recorded_at() = ToTimestamp(now);
  if (request.due_at.has_value()) {
    *record.mutable_review_at() = ToTimestamp(*request.due_at);
  }
  referral.set_disposition(request.disposition);
  return record;
}

}  // namespace sx::core
