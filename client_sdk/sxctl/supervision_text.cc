#include "client_sdk/sxctl/supervision_text.h"

#include "absl/strings/str_cat.h"
#include "client_sdk/sxctl/deadline_date.h"
#include "client_sdk/sxctl/referral_text.h"
#include "client_sdk/sxctl/text_table.h"
#include "client_sdk/sxctl/time_format.h"

namespace sx::sxctl {
namespace {

std::string OrDash(const std::string& text) {
  return text.empty() ? "-" : text;
}

// The deadlines missed: accept, feedback, and a periodic report (阶段性报告)
// of a case under review; "-" for none.
std::string Overdue(const client::TransferSummary& transfer) {
  std::string flags =
      OverdueFlagsText(transfer.accept_overdue, transfer.feedback_overdue);
  if (transfer.report_overdue) {
    absl::StrAppend(&flags, flags.empty() ? "" : ", ", "report");
  }
  return OrDash(flags);
}

std::string LastReminded(const client::SupervisedReferral& referral) {
  if (referral.last_reminded_at == absl::InfinitePast()) return "-";
  std::string text = FormatTimeSeconds(referral.last_reminded_at);
  if (!referral.last_reminded_by.empty()) {
    absl::StrAppend(&text, " by ", referral.last_reminded_by);
  }
  return text;
}

std::string Subject(const client::SupervisedReferral& referral) {
  if (referral.subject_organization.empty()) return referral.subject;
  return absl::StrCat(referral.subject, " (", referral.subject_organization,
                      ")");
}

}  // namespace

std::string SupervisionLedgerTableText(
    const std::vector<client::SupervisedReferral>& referrals) {
  TextTable table({"REFERRAL", "RECIPIENT", "STATE", "WARN", "督办", "OVERDUE",
                   "FEEDBACK DUE", "LAST REMINDED", "SUBJECT"});
  for (const client::SupervisedReferral& referral : referrals) {
    const client::TransferSummary& transfer = referral.transfer;
    table.AddRow({transfer.referral_id, transfer.recipient_agency_id,
                  client::ToString(transfer.state),
                  WarningLevelMark(transfer.warning_level),
                  SupervisionLevelMark(transfer.supervision_level),
                  Overdue(transfer),
                  OrDash(FormatDeadlineDay(transfer.feedback_due_at)),
                  LastReminded(referral), Subject(referral)});
  }
  return table.Render();
}

}  // namespace sx::sxctl
