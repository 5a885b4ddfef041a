#include "client_sdk/sxctl/rectification_text.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "client_sdk/sxctl/deadline_date.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

using client::RectificationStatus;

// Case 3 of docs/CASES.md, near its end: 10 of 11 items settled.
client::RectificationSummary NearlySettled() {
  client::RectificationSummary summary;
  summary.total = 11;
  summary.in_progress = 1;
  summary.verified = 9;
  summary.long_term = 1;
  summary.overdue = 1;
  summary.rejections = 1;
  summary.rounds = 2;
  return summary;
}

client::RectificationItem Item(uint32_t number, RectificationStatus status,
                               std::string problem) {
  client::RectificationItem item;
  item.number = number;
  item.category = "党的领导弱化";
  item.status = status;
  item.problem = std::move(problem);
  item.responsible_unit = "局党组";
  EXPECT_TRUE(ParseDeadline("2025-03-31", &item.due_at));
  item.round = 1;
  return item;
}

TEST(RectificationTextTest, SummaryLineCountsSettledItems) {
  EXPECT_EQ(RectificationSummaryLine(NearlySettled()),
            "settled 10/11 (verified 9, long-term 1), awaiting verification "
            "0, in progress 1, overdue 1, rejections 1");
  EXPECT_EQ(RectificationSummaryLine({}), "no items");
}

TEST(RectificationTextTest, StatusesInChineseAndTheSdkName) {
  EXPECT_EQ(RectificationStatusLabel(RectificationStatus::kInProgress),
            "整改中 in_progress");
  EXPECT_EQ(RectificationStatusLabel(RectificationStatus::kReportedDone),
            "已完成·待核验 reported_done");
  EXPECT_EQ(RectificationStatusLabel(RectificationStatus::kReportedLongTerm),
            "长期坚持·待核验 reported_long_term");
  EXPECT_EQ(RectificationStatusLabel(RectificationStatus::kVerified),
            "已完成 verified");
  EXPECT_EQ(RectificationStatusLabel(RectificationStatus::kLongTerm),
            "长期坚持 long_term");
  EXPECT_EQ(RectificationStatusLabel(RectificationStatus::kUnspecified),
            "unspecified");
}

TEST(RectificationTextTest, TableCutsLongProblemsAndShowsTheDueDay) {
  client::RectificationItem overdue =
      Item(1, RectificationStatus::kInProgress,
           "落实全面从严治党主体责任不到位，党组会议研究党风廉政建设不足");
  overdue.overdue = true;
  const std::string table = RectificationItemTableText(
      {overdue, Item(2, RectificationStatus::kVerified, "公务接待超标准")});
  // 40 columns: 18 wide characters (36 columns, a 19th would not fit the 37
  // left beside the "...") and the ellipsis.
  EXPECT_TRUE(
      absl::StrContains(table, "落实全面从严治党主体责任不到位，党组...\n"))
      << table;
  EXPECT_FALSE(absl::StrContains(table, "党风廉政建设不足")) << table;
  EXPECT_TRUE(absl::StrContains(table, "2025-03-31  overdue")) << table;
  EXPECT_TRUE(absl::StrContains(table, "已完成 verified")) << table;
  EXPECT_TRUE(absl::StrContains(table, "公务接待超标准\n")) << table;
}

TEST(RectificationTextTest, DetailsShowTheWholeItemAndItsHistory) {
  client::RectificationItem item =
      Item(7, RectificationStatus::kInProgress, "公务接待超标准");
  item.measures = {"清退超标准费用", "修订接待管理办法"};
  item.rejections = 1;
  client::RectificationUpdate rejected;
  rejected.step = client::RectificationStep::kRejected;
  rejected.actor = "inspection-office";
  rejected.time = absl::FromUnixSeconds(1743379200);
  rejected.text = "缺少整改佐证材料";
  rejected.status = RectificationStatus::kInProgress;
  client::RectificationUpdate reported;
  reported.step = client::RectificationStep::kReportedLongTerm;
  reported.actor = "land-bureau-party-group";
  reported.text = "已建立长效机制";
  reported.evidence.push_back(
      {"制度汇编.pdf", "application/pdf", "", "", 2048});
  ASSERT_TRUE(ParseDeadline("2025-06-30", &reported.review_at));
  reported.status = RectificationStatus::kReportedLongTerm;
  item.history = {rejected, reported};

  client::RectificationItemPage page;
  page.items = {item};
  page.summary = NearlySettled();
  const std::string text = RectificationPageText(page, true);
  EXPECT_TRUE(absl::StrContains(text, "#7  整改中 in_progress\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "1. 清退超标准费用\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "2. 修订接待管理办法\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "2025-03-31T00:00:00Z  rejected"))
      << text;
  EXPECT_TRUE(absl::StrContains(text, "缺少整改佐证材料")) << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "已建立长效机制; review 2025-06-30; evidence 制度汇编.pdf (2048 bytes)"))
      << text;
  EXPECT_TRUE(absl::EndsWith(text,
                             "\nsettled 10/11 (verified 9, long-term 1), "
                             "awaiting verification 0, in progress 1, "
                             "overdue 1, rejections 1\n"))
      << text;
  // Without details: the table and the summary only.
  EXPECT_FALSE(
      absl::StrContains(RectificationPageText(page, false), "清退超标准费用"));
  page.items.clear();
  EXPECT_TRUE(
      absl::StartsWith(RectificationPageText(page, false), "no items match\n"));
}

TEST(RectificationTextTest, StepShowsTheReferralTheItemsAndTheNewCounts) {
  client::RectificationStepResult result;
  result.referral.referral_id = "demo-0000000003";
  result.referral.state = client::ReferralState::kDisposing;
  result.referral.version = 9;
  result.referral.rectification = NearlySettled();
  result.items = {Item(4, RectificationStatus::kVerified, "干部档案审核不严")};
  const std::string text = RectificationStepText(result);
  EXPECT_TRUE(absl::StartsWith(
      text, "referral demo-0000000003: disposing, version 9\n\nNO"))
      << text;
  EXPECT_TRUE(absl::StrContains(text, "干部档案审核不严")) << text;
  EXPECT_TRUE(absl::EndsWith(text, "rejections 1\n")) << text;
}

}  // namespace
}  // namespace sx::sxctl
