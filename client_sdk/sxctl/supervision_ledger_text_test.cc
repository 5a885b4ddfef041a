// `sxctl supervision ledger` (督办台账): the table, the JSON and the
// --condition values, on the ledger a supervising commission reads when the
// organization department holds a lead it was reminded about (催办) and
// another the commission listed (挂牌督办) and that missed its 签收.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client_sdk/sxctl/command_line.h"
#include "client_sdk/sxctl/json_writer.h"
#include "client_sdk/sxctl/supervision_commands.h"
#include "client_sdk/sxctl/supervision_json.h"
#include "client_sdk/sxctl/supervision_text.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

// Due by the end of 2026-01-31 in China Standard Time.
constexpr int64_t kFeedbackDue = 1769875200;  // 2026-01-31T16:00:00Z
// 2026-01-05T02:00:00Z.
constexpr int64_t kReminded = 1767578400;

client::SupervisedReferral Urged() {
  client::SupervisedReferral referral;
  client::TransferSummary& transfer = referral.transfer;
  transfer.referral_id = "demo-0000000002";
  transfer.sender_agency_id = "inspection-office";
  transfer.recipient_agency_id = "organization-dept";
  transfer.state = client::ReferralState::kAccepted;
  transfer.feedback_due_at = absl::FromUnixSeconds(kFeedbackDue);
  transfer.warning_level = client::WarningLevel::kBlue;
  transfer.supervision_level = client::SupervisionLevel::kUrge;
  transfer.reminder_count = 1;
  referral.subject = "市住建局工程科";
  referral.subject_organization = "市住建局";
  referral.last_reminded_at = absl::FromUnixSeconds(kReminded);
  referral.last_reminded_by = "inspection-office";
  return referral;
}

client::SupervisedReferral Listed() {
  client::SupervisedReferral referral;
  client::TransferSummary& transfer = referral.transfer;
  transfer.referral_id = "demo-0000000003";
  transfer.sender_agency_id = "inspection-office";
  transfer.recipient_agency_id = "organization-dept";
  transfer.state = client::ReferralState::kSubmitted;
  transfer.accept_overdue = true;
  transfer.supervision_level = client::SupervisionLevel::kListed;
  transfer.reminder_count = 1;
  referral.subject = "县土地储备中心";
  referral.last_reminded_at = absl::FromUnixSeconds(kReminded);
  referral.last_reminded_by = "discipline-commission";
  return referral;
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// Columns are two or more spaces apart; a cell holds single spaces only.
std::vector<std::string> Cells(absl::string_view line) {
  std::vector<std::string> cells;
  for (absl::string_view cell : absl::StrSplit(line, "  ", absl::SkipEmpty())) {
    cells.emplace_back(absl::StripLeadingAsciiWhitespace(cell));
  }
  return cells;
}

TEST(SupervisionLedgerTextTest, OneRowPerReferralWithWhereItStandsAndWhy) {
  const std::vector<std::string> lines =
      Lines(SupervisionLedgerTableText({Urged(), Listed()}));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(Cells(lines[0]),
            (std::vector<std::string>{"REFERRAL", "RECIPIENT", "STATE", "WARN",
                                      "督办", "OVERDUE", "FEEDBACK DUE",
                                      "LAST REMINDED", "SUBJECT"}));
  EXPECT_EQ(Cells(lines[1]), (std::vector<std::string>{
                                 "demo-0000000002", "organization-dept",
                                 "accepted", "蓝", "催办", "-", "2026-01-31",
                                 "2026-01-05T02:00:00Z by inspection-office",
                                 "市住建局工程科 (市住建局)"}));
  // Listed, and the acceptance missed; no feedback deadline yet, no unit.
  EXPECT_EQ(
      Cells(lines[2]),
      (std::vector<std::string>{"demo-0000000003", "organization-dept",
                                "submitted", "-", "挂牌督办", "accept", "-",
                                "2026-01-05T02:00:00Z by discipline-commission",
                                "县土地储备中心"}));
}

TEST(SupervisionLedgerTextTest, NeverRemindedShowsADash) {
  client::SupervisedReferral overdue = Listed();
  overdue.transfer.supervision_level = client::SupervisionLevel::kUnspecified;
  overdue.transfer.feedback_overdue = true;
  overdue.last_reminded_at = absl::InfinitePast();
  overdue.last_reminded_by.clear();
  const std::vector<std::string> lines =
      Lines(SupervisionLedgerTableText({overdue}));
  ASSERT_EQ(lines.size(), 2u);
  const std::vector<std::string> cells = Cells(lines[1]);
  ASSERT_EQ(cells.size(), 9u) << lines[1];
  EXPECT_EQ(cells[4], "-");
  EXPECT_EQ(cells[5], "accept, feedback");
  EXPECT_EQ(cells[7], "-");

  // A case under review that missed its periodic report (阶段性报告).
  client::SupervisedReferral report = overdue;
  report.transfer.accept_overdue = false;
  report.transfer.feedback_overdue = false;
  report.transfer.report_overdue = true;
  const std::vector<std::string> report_lines =
      Lines(SupervisionLedgerTableText({report}));
  ASSERT_EQ(report_lines.size(), 2u);
  EXPECT_EQ(Cells(report_lines[1])[5], "report") << report_lines[1];
}

// The transfer as `admin transfers --json` writes it, then what the ledger
// adds; a time never set is null.
TEST(SupervisionLedgerJsonTest, EachReferralCarriesItsTransferAndSubject) {
  client::SupervisionLedgerPage page;
  client::SupervisedReferral quiet = Listed();
  quiet.last_reminded_at = absl::InfinitePast();
  quiet.last_reminded_by.clear();
  page.referrals = {Urged(), quiet};
  page.next_page_token = "0a0b";
  JsonWriter json(JsonWriter::Style::kCompact);
  WriteSupervisionLedgerPageJson(page, json);
  const std::string& text = json.text();
  EXPECT_TRUE(absl::StartsWith(text,
                               "{\"referrals\":[{\"transfer\":{\"referral_id\":"
                               "\"demo-0000000002\",\"kind\":"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text, "\"reminder_count\":1,\"supervision_level\":\"urge\","))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "\"delegated\":false},\"subject\":\"市住建局工程科\","
      "\"subject_organization\":\"市住建局\",\"last_reminded_at\":"
      "\"2026-01-05T02:00:00Z\",\"last_reminded_by\":\"inspection-office\"}"))
      << text;
  EXPECT_TRUE(absl::StrContains(text, "\"supervision_level\":\"listed\","))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "\"subject\":\"县土地储备中心\",\"subject_organization\":\"\","
      "\"last_reminded_at\":null,\"last_reminded_by\":\"\"}],"
      "\"next_page_token\":\"0a0b\"}"))
      << text;
}

Invocation WithConditions(std::vector<std::string> values) {
  Invocation invocation;
  invocation.values["condition"] = std::move(values);
  return invocation;
}

// --condition: repeated or comma-separated, each condition once, in the
// order first given; anything but the four names is a usage error.
TEST(SupervisionLedgerOptionsTest, ConditionsRepeatedOrSeparatedByCommas) {
  absl::StatusOr<std::vector<client::SupervisedCondition>> conditions =
      ConditionOptions(
          WithConditions({"listed,overdue", "warned", "pressed,listed"}));
  ASSERT_TRUE(conditions.ok()) << conditions.status();
  EXPECT_EQ(*conditions, (std::vector<client::SupervisedCondition>{
                             client::SupervisedCondition::kListed,
                             client::SupervisedCondition::kOverdue,
                             client::SupervisedCondition::kWarned,
                             client::SupervisedCondition::kPressed}));

  absl::StatusOr<std::vector<client::SupervisedCondition>> none =
      ConditionOptions(Invocation{});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty()) << "no --condition: all of the ledger";

  for (const char* wrong :
       {"挂牌", "unspecified", "overdue,,listed", "LISTED"}) {
    absl::StatusOr<std::vector<client::SupervisedCondition>> refused =
        ConditionOptions(WithConditions({wrong}));
    ASSERT_FALSE(refused.ok()) << wrong;
    EXPECT_TRUE(IsUsageError(refused.status())) << refused.status();
  }
  EXPECT_TRUE(absl::StrContains(
      ConditionOptions(WithConditions({"red"})).status().message(),
      "overdue, warned, pressed or listed"));
}

}  // namespace
}  // namespace sx::sxctl
