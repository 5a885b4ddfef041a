#include "client_sdk/sxctl/admin_text.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client_sdk/sxctl/referral_test_fixtures.h"
#include "client_sdk/sxctl/top_frame.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

// A transfer the commission is verifying, due by the end of 2025-12-31 in
// China Standard Time, at the warning level (预警) given.
client::TransferSummary Transfer(const std::string& referral_id,
                                 client::WarningLevel level) {
  client::TransferSummary transfer =
      InspectionLeadToCommission<client::TransferSummary>(
          referral_id, client::ReferralState::kDisposing);
  transfer.urgency = client::Urgency::kNormal;
  transfer.created_at = absl::FromUnixSeconds(1764115200);
  transfer.feedback_due_at = absl::FromUnixSeconds(1767196800);
  transfer.disposition = client::DispositionMethod::kPreliminaryVerification;
  transfer.feedback_count = 1;
  transfer.reminder_count = 2;
  transfer.warning_level = level;
  return transfer;
}

// Cells hold no run of spaces, so each cell's words stay together.
std::vector<std::string> Words(absl::string_view line) {
  return absl::StrSplit(line, ' ', absl::SkipEmpty());
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// `admin transfers`: WARN after the overdue flags, 蓝/黄/红 or - for none,
// then the 督办 level reminders reached, 催办/督办/挂牌督办 or - for none.
TEST(AdminTextTest, TransfersShowTheWarningAndSupervisionLevels) {
  client::TransferSummary red =
      Transfer("demo-0000000018", client::WarningLevel::kRed);
  red.feedback_overdue = true;
  red.supervision_level = client::SupervisionLevel::kListed;
  client::TransferSummary blue =
      Transfer("demo-0000000016", client::WarningLevel::kBlue);
  blue.supervision_level = client::SupervisionLevel::kUrge;
  client::TransferSummary yellow =
      Transfer("demo-0000000017", client::WarningLevel::kYellow);
  yellow.supervision_level = client::SupervisionLevel::kSupervise;
  const std::vector<std::string> lines = Lines(TransferTableText(
      {blue, yellow, red,
       Transfer("demo-0000000019", client::WarningLevel::kNone)}));
  ASSERT_EQ(lines.size(), 5u);
  const std::vector<std::string> header = Words(lines[0]);
  ASSERT_GE(header.size(), 6u);
  EXPECT_EQ(std::vector<std::string>(header.end() - 6, header.end()),
            (std::vector<std::string>{"OVERDUE", "WARN", "督办", "DISPOSITION",
                                      "FB", "REM"}))
      << lines[0];
  const char* const marks[] = {"蓝", "黄", "红", "-"};
  const char* const levels[] = {"催办", "督办", "挂牌督办", "-"};
  for (size_t row = 0; row < 4; ++row) {
    const std::vector<std::string> cells = Words(lines[row + 1]);
    ASSERT_GE(cells.size(), 5u);
    EXPECT_EQ(cells[cells.size() - 5], marks[row]) << lines[row + 1];
    EXPECT_EQ(cells[cells.size() - 4], levels[row]) << lines[row + 1];
    EXPECT_EQ(cells[cells.size() - 3], "preliminary_verification");
  }
  // The missed deadline stays in OVERDUE, beside the red.
  const std::vector<std::string> red_cells = Words(lines[3]);
  EXPECT_EQ(red_cells[red_cells.size() - 6], "feedback") << lines[3];
}

// `admin counts`: after states, routes and open overdue, one row per
// recipient with its overdue, warned and pressed referrals.
TEST(AdminTextTest, CountsShowEachRecipientsConditions) {
  client::TransferCounts counts;
  counts.by_state = {{client::ReferralState::kSubmitted, 3}};
  counts.by_route = {{"inspection_office", "organization_department", 3}};
  counts.overdue_open = 1;
  counts.by_recipient = {
      {"organization-dept", 1, 2, 3, 4, 5, 6, 7},
      {"stationed-housing", 0, 0, 0, 0, 1, 0, 0},
  };
  const std::vector<std::string> lines = Lines(TransferCountsText(counts));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(Words(lines[lines.size() - 3]),
            (std::vector<std::string>{"RECIPIENT", "OVERDUE", "蓝", "黄", "红",
                                      "催办", "督办", "挂牌"}));
  EXPECT_EQ(Words(lines[lines.size() - 2]),
            (std::vector<std::string>{"organization-dept", "1", "2", "3", "4",
                                      "5", "6", "7"}));
  EXPECT_EQ(Words(lines[lines.size() - 1]),
            (std::vector<std::string>{"stationed-housing", "0", "0", "0", "0",
                                      "1", "0", "0"}));
  EXPECT_NE(TransferCountsText(counts).find("open and overdue: 1\n"),
            std::string::npos);

  counts.by_recipient.clear();
  const std::vector<std::string> quiet = Lines(TransferCountsText(counts));
  EXPECT_EQ(quiet.back(), "no open referral overdue, warned or pressed");
}

// `admin top`: the warnings and 挂牌督办 open on the whole hub, every
// recipient's added up, on the line after the throughput.
TEST(AdminTextTest, TopFrameShowsTheWarningAndListedTotals) {
  TopFrame frame;
  frame.taken = absl::FromUnixSeconds(1767196800);
  frame.status.hub_id = "demo";
  frame.status.started_at = absl::FromUnixSeconds(1767193200);
  frame.counts.overdue_open = 2;
  frame.counts.by_recipient = {
      {"organization-dept", 1, 2, 1, 1, 0, 0, 1},
      {"stationed-housing", 1, 1, 0, 1, 1, 0, 2},
  };
  const std::vector<std::string> lines = Lines(TopFrameText(frame));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_NE(lines[1].find("open overdue 2"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[2], "warnings 蓝 3  黄 1  红 2  挂牌督办 3") << lines[2];

  const client::RecipientConditions totals = ConditionTotals(frame.counts);
  EXPECT_EQ(totals.agency_id, "");
  EXPECT_EQ(totals.overdue, 2u);
  EXPECT_EQ(totals.urged, 1u);
  EXPECT_EQ(totals.supervised, 0u);
  EXPECT_EQ(totals.listed, 3u);
}

}  // namespace
}  // namespace sx::sxctl
