#include "server/core/periodic_reports.h"

#include "server/core/referral_steps.h"
#include "sx/base/status_macros.h"
#include "sx/core/referral_state_machine.h"
#include "sx/core/timestamps.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

absl::Time NextReportDue(const HubConfig& config, absl::Time from) {
  const v1::PeriodicReports& reports = config.deadlines().case_review_reports();
  const int days = static_cast<int>(reports.every_days());
  return reports.working_days() ? config.calendar().AddWorkingDays(from, days)
                                : from + absl::Hours(24) * days;
}

absl::Status PutNextReport(storage::Transaction& txn, const HubConfig& config,
                           v1::Referral& referral, absl::Time now) {
  const absl::Time due = NextReportDue(config, now);
  *referral.mutable_report_due_at() = ToTimestamp(due);
  return txn.PutDeadline(storage::DeadlineKind::kReport, due,
                         referral.referral_id());
}

}  // namespace

bool ReportsPeriodically(const HubConfig& config) {
  return config.deadlines().case_review_reports().every_days() > 0;
}

absl::Status StartPeriodicReports(storage::Transaction& txn,
                                  const HubConfig& config,
                                  v1::Referral& referral, absl::Time now) {
  if (!ReportsPeriodically(config) || referral.has_report_due_at()) {
    return absl::OkStatus();
  }
  // The final deadline no longer applies while the case is under review:
  // out of the index with its warnings still to come. A deadline already
  // flagged missed stays flagged.
  SX_RETURN_IF_ERROR(txn.DeleteDeadline(
      storage::DeadlineKind::kFeedback,
      FromTimestamp(referral.feedback_due_at()), referral.referral_id()));
  SX_RETURN_IF_ERROR(DeleteWarningDeadlines(txn, referral));
  referral.clear_blue_warning_at();
  referral.clear_yellow_warning_at();
  return PutNextReport(txn, config, referral, now);
}

absl::Status ScheduleNextReport(storage::Transaction& txn,
                                const HubConfig& config, v1::Referral& referral,
                                absl::Time now) {
  if (!referral.has_report_due_at()) return absl::OkStatus();
  SX_RETURN_IF_ERROR(txn.DeleteDeadline(storage::DeadlineKind::kReport,
                                        FromTimestamp(referral.report_due_at()),
                                        referral.referral_id()));
  referral.set_report_overdue(false);
  return PutNextReport(txn, config, referral, now);
}

absl::Status ResumePeriodicReports(storage::Transaction& txn,
                                   const HubConfig& config,
                                   v1::Referral& referral,
                                   v1::ReferralState from, absl::Time now) {
  if (OwesFeedback(from) || !OwesFeedback(referral.state()) ||
      referral.disposition() != v1::DISPOSITION_METHOD_CASE_FILED) {
    return absl::OkStatus();
  }
  return StartPeriodicReports(txn, config, referral, now);
}

absl::Status EndPeriodicReports(storage::Transaction& txn,
                                v1::Referral& referral) {
  if (!referral.has_report_due_at()) return absl::OkStatus();
  SX_RETURN_IF_ERROR(txn.DeleteDeadline(storage::DeadlineKind::kReport,
                                        FromTimestamp(referral.report_due_at()),
                                        referral.referral_id()));
  referral.clear_report_due_at();
  return absl::OkStatus();
}

}  // namespace sx::core
