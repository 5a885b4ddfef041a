// Periodic reports (阶段性报告) of a case under review (立案审查调查): when
// the config asks for them (deadlines.case_review_reports), recording 立案
// replaces the one final feedback deadline, and its warnings, by a report
// due every so many days; each interim feedback sets the next; final
// feedback ends them. A missed report is the hub's step kFlagReportOverdue
// (red, to both parties and the supervisors), taken by the deadline watcher.
//
//   Dispose(立案)       → StartPeriodicReports   report_due_at = now + period
//   interim feedback    → ScheduleNextReport     report_due_at = now + period
//   no feedback owed    → EndPeriodicReports     (from KeepDeadlinesInStep)
//   owed again (退回补充) → ResumePeriodicReports  report_due_at = now + period
#pragma once

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "supervision/v1/referral.pb.h"
#include "sx/core/hub_config.h"
#include "sx/storage/store.h"

namespace sx::core {

bool ReportsPeriodically(const HubConfig& config);

absl::Status StartPeriodicReports(storage::Transaction& txn,
                                  const HubConfig& config,
                                  ::supervision::v1::Referral& referral,
                                  absl::Time now);

// Does nothing unless the referral reports periodically.
absl::Status ScheduleNextReport(storage::Transaction& txn,
                                const HubConfig& config,
                                ::supervision::v1::Referral& referral,
                                absl::Time now);

// A filed case that owes feedback again (final feedback sent back for
// more, 退回补充) reports again from `now`, instead of facing its old final
// deadline. Call after KeepDeadlinesInStep; does nothing otherwise.
absl::Status ResumePeriodicReports(storage::Transaction& txn,
                                   const HubConfig& config,
                                   ::supervision::v1::Referral& referral,
                                   ::supervision::v1::ReferralState from,
                                   absl::Time now);

// Does nothing unless the referral reports periodically.
absl::Status EndPeriodicReports(storage::Transaction& txn,
                                ::supervision::v1::Referral& referral);

}  // namespace sx::core
