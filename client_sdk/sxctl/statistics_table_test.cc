#include "client_sdk/sxctl/statistics_table.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "client_sdk/sxctl/csv_writer.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

// The cell of `row` under `header`.
std::string Cell(const StatisticsTable& table, size_t row,
                 const std::string& header) {
  for (size_t column = 0; column < table.header.size(); ++column) {
    if (table.header[column] == header) return table.rows.at(row).at(column);
  }
  ADD_FAILURE() << "no column " << header;
  return "";
}

// A quarter of cases 2 and 6 of docs/CASES.md: the inspection office sends
// 52 leads, the commission receives them and 104 more from data analysis.
client::Statistics AQuarter() {
  client::Statistics statistics;
  statistics.from_date = "2026-01-01";
  statistics.to_date = "2026-03-31";
  client::UnitFigures office;
  office.agency_id = "inspection-office";
  office.display_name = "市委巡察办";
  office.as_sender.referrals = 52;
  office.as_sender.accepted = 50;
  office.as_sender.feedback_rejected = 7;
  client::UnitFigures commission;
  commission.agency_id = "discipline-commission";
  commission.display_name = "市纪委监委";
  commission.as_recipient.referrals = 156;
  commission.as_recipient.accepted = 150;
  commission.as_recipient.fed_back = 120;
  commission.as_recipient.closed = 100;
  commission.as_recipient.feedback_rejected = 7;
  commission.as_recipient.accept_overdue = 3;
  commission.as_recipient.feedback_overdue = 5;
  commission.as_recipient.case_filed = 36;
  commission.as_recipient.items_added = 11;
  commission.as_recipient.items_verified = 10;
  commission.as_recipient.persons_case_filed = 36;
  commission.as_recipient.persons_disciplined = 37;
  commission.as_recipient.amount_recovered_fen = 123456789;
  statistics.units = {office, commission};
  statistics.totals.referrals = 156;
  statistics.totals.accepted = 150;
  statistics.totals.accept_overdue = 3;
  statistics.totals.feedback_overdue = 5;
  return statistics;
}

TEST(StatisticsTableTest, SentFromTheSenderSideEverythingElseFromTheRecipient) {
  const StatisticsTable table = BuildStatisticsTable(AQuarter());
  ASSERT_EQ(table.rows.size(), 3u) << "two units and 合计";
  EXPECT_EQ(table.rows[0][0], "inspection-office");
  EXPECT_EQ(table.rows[0][1], "市委巡察办");
  EXPECT_EQ(Cell(table, 0, "移送"), "52");
  EXPECT_EQ(Cell(table, 0, "签收"), "0") << "50 is what its recipients did";
  EXPECT_EQ(Cell(table, 1, "接收"), "156");
  EXPECT_EQ(Cell(table, 1, "签收"), "150");
  EXPECT_EQ(Cell(table, 1, "反馈"), "120");
  EXPECT_EQ(Cell(table, 1, "销号"), "100");
  EXPECT_EQ(Cell(table, 1, "退回补充"), "7") << "final feedback sent back";
  EXPECT_EQ(Cell(table, 0, "退回补充"), "0") << "it sent them back, as sender";
  EXPECT_EQ(Cell(table, 1, "逾期"), "8") << "acceptance and feedback";
  EXPECT_EQ(Cell(table, 1, "立案审查调查"), "36");
  EXPECT_EQ(Cell(table, 1, "立案人数"), "36");
  EXPECT_EQ(Cell(table, 1, "处分人数"), "37");
  EXPECT_EQ(Cell(table, 1, "追缴金额(元)"), "1234567.89");
  for (const std::vector<std::string>& row : table.rows) {
    EXPECT_EQ(row.size(), table.header.size());
  }
}

TEST(StatisticsTableTest, RatesHaveOneDecimalAndADashForNothing) {
  const StatisticsTable table = BuildStatisticsTable(AQuarter());
  EXPECT_EQ(Cell(table, 1, "逾期率"), "5.1%") << "8 of 156";
  EXPECT_EQ(Cell(table, 1, "整改完成率"), "90.9%") << "10 of 11";
  EXPECT_EQ(Cell(table, 0, "逾期率"), "-") << "received nothing";
  EXPECT_EQ(Cell(table, 0, "整改完成率"), "-") << "no items";
}

TEST(StatisticsTableTest, TotalsRowCountsEveryReferralOnceAndOnlyForSeveral) {
  client::Statistics statistics = AQuarter();
  const StatisticsTable table = BuildStatisticsTable(statistics);
  EXPECT_EQ(table.rows[2][0], "合计");
  EXPECT_EQ(table.rows[2][1], "");
  EXPECT_EQ(Cell(table, 2, "移送"), "156");
  EXPECT_EQ(Cell(table, 2, "接收"), "156");
  EXPECT_EQ(Cell(table, 2, "签收"), "150");
  EXPECT_EQ(Cell(table, 2, "逾期率"), "5.1%");

  statistics.units.pop_back();
  EXPECT_EQ(BuildStatisticsTable(statistics).rows.size(), 1u)
      << "one unit: no 合计";
}

// 督办 and 挂牌督办 received, the hub's 蓝色 and 黄色预警 and 交办 each in a
// column of their own, for what the unit received: the office pressed the
// commission, which was pressed, warned and delegated.
TEST(StatisticsTableTest, SupervisionWarningsAndDelegationHaveTheirColumns) {
  client::Statistics statistics = AQuarter();
  client::SideFigures& office = statistics.units[0].as_sender;
  office.reminders = 9;
  office.supervised = 4;
  office.listed_supervision = 1;
  client::SideFigures& commission = statistics.units[1].as_recipient;
  commission.reminders = 9;
  commission.supervised = 4;
  commission.listed_supervision = 1;
  commission.blue_warnings = 12;
  commission.yellow_warnings = 5;
  commission.delegated = 3;
  statistics.totals.supervised = 4;
  statistics.totals.listed_supervision = 1;
  statistics.totals.blue_warnings = 12;
  statistics.totals.yellow_warnings = 5;
  statistics.totals.delegated = 3;
  const StatisticsTable table = BuildStatisticsTable(statistics);
  const std::pair<const char*, const char*> figures[] = {{"督办", "4"},
                                                         {"挂牌督办", "1"},
                                                         {"蓝色预警", "12"},
                                                         {"黄色预警", "5"},
                                                         {"交办", "3"}};
  for (const auto& [header, value] : figures) {
    EXPECT_EQ(Cell(table, 1, header), value) << header;
    EXPECT_EQ(Cell(table, 2, header), value) << "合计 " << header;
    EXPECT_EQ(Cell(table, 0, header), "0")
        << header << ": the office pressed, it was not pressed";
  }
  for (const std::vector<std::string>& row : table.rows) {
    EXPECT_EQ(row.size(), table.header.size());
  }
  const std::string text = StatisticsText(statistics);
  EXPECT_TRUE(absl::StrContains(text, "挂牌督办")) << text;
  EXPECT_TRUE(absl::StrContains(text, "黄色预警")) << text;
}

TEST(StatisticsTableTest, CsvIsForExcel) {
  const std::string csv = StatisticsCsv(AQuarter());
  ASSERT_TRUE(absl::StartsWith(csv, kUtf8ByteOrderMark));
  std::vector<std::string> records =
      absl::StrSplit(csv.substr(3), "\r\n", absl::SkipEmpty());
  ASSERT_EQ(records.size(), 4u) << "header, two units, 合计";
  EXPECT_EQ(records[0],
            "单位,单位名称,移送,接收,签收,反馈,销号,退回补充,督办,挂牌督办,"
            "蓝色预警,黄色预警,逾期,逾期率,谈话函询,初步核实,暂存待查,予以了结,"
            "立案审查调查,转办,交办,阶段报告逾期,新增整改问题,整改完成,"
            "整改未通过,整改逾期,"
            "整改完成率,立案人数,处分人数,组织处理人数,移送司法人数,"
            "追缴金额(元),整改问题数");
  EXPECT_TRUE(absl::StartsWith(records[3], "合计,,156,156,150,"));
  EXPECT_TRUE(absl::EndsWith(csv, "\r\n"));
}

TEST(StatisticsTableTest, TextNamesThePeriod) {
  const std::string text = StatisticsText(AQuarter());
  EXPECT_TRUE(absl::StartsWith(
      text,
      "period 2026-01-01 to 2026-03-31 (days in China Standard Time, both "
      "included)\n\n单位"))
      << text;
  EXPECT_NE(text.find("市纪委监委"), std::string::npos);
}

}  // namespace
}  // namespace sx::sxctl
