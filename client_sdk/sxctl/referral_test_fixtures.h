// Referrals as the hub returns them after steps whose output sxctl's tests
// check, one place for the text and the JSON tests, so that both read the
// same case. For tests only.
#pragma once

#include <string>
#include <utility>

#include "absl/time/time.h"
#include "sx/client/types.h"

namespace sx::sxctl {

// A lead of case 1 of docs/CASES.md, from the inspection office to the
// commission, in `state`: as a client::Referral or as an administrator's
// client::TransferSummary, which share these members.
template <typename ReferralOrSummary>
ReferralOrSummary InspectionLeadToCommission(std::string referral_id,
                                             client::ReferralState state) {
  ReferralOrSummary referral;
  referral.referral_id = std::move(referral_id);
  referral.kind = client::ReferralKind::kLead;
  referral.sender_agency_id = "inspection-office";
  referral.recipient_agency_id = "discipline-commission";
  referral.state = state;
  return referral;
}

// A lead of case 1 of docs/CASES.md that the commission verified (初步核实,
// 2025-11-26), then kept pending (暂存待查, 2025-11-27, with approval) until
// 2026-06-30: the review date is the end of that day in China Standard Time,
// 2026-06-30T16:00:00Z. Its feedback clock is paused since 2025-11-27, with
// the feedback deadline (2025-11-26) already passed.
inline client::Referral KeptPendingReferral() {
  client::Referral referral = InspectionLeadToCommission<client::Referral>(
      "demo-0000000013", client::ReferralState::kKeptPending);
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

// A lead the commission is verifying (初步核实), due by the end of 2025-12-31
// in China Standard Time (2025-12-31T16:00:00Z), as the hub returns it after
// the blue warning (预警) on that deadline: the yellow one is planned for the
// start of 2025-12-30 (2025-12-29T16:00:00Z), and the blue one has none left
// to come.
inline client::Referral WarnedReferral() {
  client::Referral referral = InspectionLeadToCommission<client::Referral>(
      "demo-0000000016", client::ReferralState::kDisposing);
  referral.disposition = client::DispositionMethod::kPreliminaryVerification;
  referral.feedback_due_at = absl::FromUnixSeconds(1767196800);
  referral.warning_level = client::WarningLevel::kBlue;
  referral.yellow_warning_at = absl::FromUnixSeconds(1767024000);
  referral.version = 5;
  return referral;
}

// The yellow warning on WarnedReferral's deadline as the commission's inbox
// delivers it: the hub's own step, its reason naming the level again; the
// referral is at yellow now, with no warning left to come.
inline client::InboxEntry YellowWarningEntry() {
  client::InboxEntry entry;
  entry.sequence = 31;
  entry.event.type = client::EventType::kDeadlineWarning;
  entry.event.referral_id = "demo-0000000016";
  entry.event.actor = "hub";
  entry.event.reason = "yellow";
  entry.event.warning_level = client::WarningLevel::kYellow;
  entry.referral = WarnedReferral();
  entry.referral.warning_level = client::WarningLevel::kYellow;
  entry.referral.yellow_warning_at = absl::InfinitePast();
  return entry;
}

// 交办 (case 4 of docs/CASES.md): the commission delegated the verification
// of one problem of demo-0000000012 to its stationed group, then pressed it
// as 督办 escalates: 催办 on 2025-12-18, 督办 on 2025-12-19 and, as a
// supervising agency, 挂牌督办 on 2025-12-20 (each at 00:00 UTC).
inline client::Referral ListedDelegatedReferral() {
  client::Referral referral;
  referral.referral_id = "demo-0000000015";
  referral.kind = client::ReferralKind::kLead;
  referral.sender_agency_id = "discipline-commission";
  referral.recipient_agency_id = "stationed-education";
  referral.state = client::ReferralState::kDisposing;
  referral.parent_referral_id = "demo-0000000012";
  referral.delegated = true;
  referral.delegation_instructions = "请对第2项问题开展初步核实并于20日内报告";
  referral.supervision_level = client::SupervisionLevel::kListed;
  referral.reminders = {
      {"discipline-commission", "请于3日内反馈初核进展",
       absl::FromUnixSeconds(1766016000), client::SupervisionLevel::kUrge},
      {"discipline-commission", "请于12月25日前报送核查结果",
       absl::FromUnixSeconds(1766102400), client::SupervisionLevel::kSupervise},
      {"discipline-commission", "列入挂牌督办，每周报告进展",
       absl::FromUnixSeconds(1766188800), client::SupervisionLevel::kListed},
  };
  referral.version = 7;
  return referral;
}

}  // namespace sx::sxctl
