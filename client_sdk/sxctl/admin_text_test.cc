#include "client_sdk/sxctl/admin_text.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client_sdk/sxctl/referral_test_fixtures.h"
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

// `admin transfers`: WARN after the overdue flags, 蓝/黄/红 or - for none.
TEST(AdminTextTest, TransfersShowTheWarningLevelAfterTheOverdueFlags) {
  client::TransferSummary red =
      Transfer("demo-0000000018", client::WarningLevel::kRed);
  red.feedback_overdue = true;
  const std::vector<std::string> lines = absl::StrSplit(
      TransferTableText(
          {Transfer("demo-0000000016", client::WarningLevel::kBlue),
           Transfer("demo-0000000017", client::WarningLevel::kYellow), red,
           Transfer("demo-0000000019", client::WarningLevel::kNone)}),
      '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u);
  // Cells hold no run of spaces, so each cell's words stay together.
  auto words = [](absl::string_view line) -> std::vector<std::string> {
    return absl::StrSplit(line, ' ', absl::SkipEmpty());
  };
  const std::vector<std::string> header = words(lines[0]);
  ASSERT_GE(header.size(), 5u);
  EXPECT_EQ(
      std::vector<std::string>(header.end() - 5, header.end()),
      (std::vector<std::string>{"OVERDUE", "WARN", "DISPOSITION", "FB", "REM"}))
      << lines[0];
  const char* const marks[] = {"蓝", "黄", "红", "-"};
  for (size_t row = 0; row < 4; ++row) {
    const std::vector<std::string> cells = words(lines[row + 1]);
    ASSERT_GE(cells.size(), 4u);
    EXPECT_EQ(cells[cells.size() - 4], marks[row]) << lines[row + 1];
    EXPECT_EQ(cells[cells.size() - 3], "preliminary_verification");
  }
  // The missed deadline stays in OVERDUE, beside the red.
  const std::vector<std::string> red_cells = words(lines[3]);
  EXPECT_EQ(red_cells[red_cells.size() - 5], "feedback") << lines[3];
}

}  // namespace
}  // namespace sx::sxctl
