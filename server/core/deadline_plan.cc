#include "server/core/deadline_plan.h"

#include "absl/strings/str_cat.h"
#include "sx/core/timestamps.h"

namespace sx::core {

namespace v1 = ::supervision::v1;

absl::Status ValidateDeadlines(const v1::Deadlines& deadlines) {
  for (int i = 0; i < deadlines.rules_size(); ++i) {
    const v1::DeadlineRule& rule = deadlines.rules(i);
    const std::string field = absl::StrCat("deadlines.rules[", i, "]");
    if (rule.kind() == v1::REFERRAL_KIND_UNSPECIFIED ||
        !v1::ReferralKind_IsValid(rule.kind())) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".kind: required (e.g. REFERRAL_KIND_AUDIT_FINDING)"));
    }
    if (rule.feedback_within_days() == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".feedback_within_days: required, at least 1"));
    }
  }
  if (deadlines.case_review_reports().every_days() > 3660) {
    return absl::InvalidArgumentError(
        "deadlines.case_review_reports.every_days: at most 3660 (ten years)");
  }
  const v1::DeadlineWarnings& warnings = deadlines.warnings();
  if (!warnings.disabled() &&
      warnings.yellow_working_days() >= warnings.blue_working_days()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "deadlines.warnings.yellow_working_days: ",
        warnings.yellow_working_days(),
        " must be fewer than blue_working_days (", warnings.blue_working_days(),
        "): yellow comes after blue"));
  }
  return absl::OkStatus();
}

absl::Time FeedbackDueFor(const HubConfig& config, v1::ReferralKind kind,
                          v1::Urgency urgency, absl::Time now) {
  const v1::Deadlines& deadlines = config.deadlines();
  for (const v1::DeadlineRule& rule : deadlines.rules()) {
    if (rule.kind() != kind) continue;
    if (rule.urgency() != v1::URGENCY_UNSPECIFIED &&
        rule.urgency() != urgency) {
      continue;
    }
    const int days = static_cast<int>(rule.feedback_within_days());
    return rule.working_days() ? config.calendar().AddWorkingDays(now, days)
                               : now + absl::Hours(24) * days;
  }
  const int days =
      static_cast<int>(urgency == v1::URGENCY_FAST_TRACK
                           ? deadlines.fast_track_feedback_within_days()
                           : deadlines.feedback_within_days());
  return deadlines.feedback_in_working_days()
             ? config.calendar().AddWorkingDays(now, days)
             : now + absl::Hours(24) * days;
}

void PlanWarnings(const HubConfig& config, absl::Time now,
                  v1::Referral& referral) {
  referral.clear_blue_warning_at();
  referral.clear_yellow_warning_at();
  const v1::DeadlineWarnings& warnings = config.deadlines().warnings();
  if (warnings.disabled()) return;
  const absl::Time due = FromTimestamp(referral.feedback_due_at());
  const absl::Time blue = config.calendar().WhenWorkingDaysLeft(
      due, static_cast<int>(warnings.blue_working_days()));
  const absl::Time yellow = config.calendar().WhenWorkingDaysLeft(
      due, static_cast<int>(warnings.yellow_working_days()));
  if (blue > now && referral.warning_level() < v1::WARNING_LEVEL_BLUE) {
    *referral.mutable_blue_warning_at() = ToTimestamp(blue);
  }
  if (yellow > now && referral.warning_level() < v1::WARNING_LEVEL_YELLOW) {
    *referral.mutable_yellow_warning_at() = ToTimestamp(yellow);
  }
}

}  // namespace sx::core
