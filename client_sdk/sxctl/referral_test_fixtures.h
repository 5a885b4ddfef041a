// Referrals as the hub returns them after steps whose output sxctl's tests
// check, one place for the text and the JSON tests, so that both read the
// same case. For tests only.
#pragma once

#include "absl/time/time.h"
#include "sx/client/types.h"

namespace sx::sxctl {

// A lead of case 1 of docs/CASES.md that the commission verified (初步核实,
// 2025-11-26), then kept pending (暂存待查, 2025-11-27, with approval) until
// 2026-06-30: the review date is the end of that day in China Standard Time,
// 2026-06-30T16:00:00Z. Its feedback clock is paused since 2025-11-27, with
// the feedback deadline (2025-11-26) already passed.
inline client::Referral KeptPendingReferral() {
  client::Referral referral;
  referral.referral_id = "demo-0000000013";
  referral.kind = client::ReferralKind::kLead;
  referral.sender_agency_id = "inspection-office";
  referral.recipient_agency_id = "discipline-commission";
  referral.state = client::ReferralState::kKeptPending;
  referral.disposition = client::DispositionMethod::kKeptPending;
  referral.feedback_due_at = absl::FromUnixSeconds(1764115200);
  referral.review_at = absl::FromUnixSeconds(1782835200);
  referral.paused_at = absl::FromUnixSeconds(1764201600);
  referral.version = 4;
  client::DispositionRecord verification;
  verification.method = client::DispositionMethod::kPreliminaryVerification;
  verification.handler = "张明";
  verification.recorded_at = absl::FromUnixSeconds(1764115200);
  client::DispositionRecord kept;
  kept.method = client::DispositionMethod::kKeptPending;
  kept.handler = "张明";
  kept.approver = "李华";
  kept.approval_reference = "组务会纪要第12期";
  kept.reason = "关键证人暂无法联系";
  kept.recorded_at = absl::FromUnixSeconds(1764201600);
  kept.review_at = referral.review_at;
  referral.dispositions = {verification, kept};
  return referral;
}

}  // namespace sx::sxctl
