#include "client_sdk/sxctl/statistics_table.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client_sdk/sxctl/csv_writer.h"
#include "client_sdk/sxctl/text_table.h"
#include "client_sdk/sxctl/yuan_amount.h"

namespace sx::sxctl {
namespace {

using client::SideFigures;

// What a row shows: a unit's two sides, or the totals as both (every
// referral counted once, on either side).
struct Sides {
  const SideFigures& as_sender;
  const SideFigures& as_recipient;
};

struct Column {
  const char* header;
  std::function<std::string(const Sides&)> cell;
};

// A figure of what the unit received.
Column Received(const char* header, uint64_t SideFigures::*figure) {
  return {header, [figure](const Sides& sides) {
            return absl::StrCat(sides.as_recipient.*figure);
          }};
}

uint64_t Overdue(const SideFigures& figures) {
  return figures.accept_overdue + figures.feedback_overdue;
}

std::string Percent(uint64_t part, uint64_t whole) {
  if (whole == 0) return "-";
  return absl::StrFormat(
      "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

std::string Yuan(uint64_t fen) {
  // No unit recovers more than int64 fen (92 trillion yuan).
  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  return FormatFenAsYuan(static_cast<int64_t>(fen < kMax ? fen : kMax));
}

const std::vector<Column>& Columns() {
  static const auto* const columns = new std::vector<Column>{
      {"移送",
       [](const Sides& sides) {
         return absl::StrCat(sides.as_sender.referrals);
       }},
      Received("接收", &SideFigures::referrals),
      Received("签收", &SideFigures::accepted),
      Received("反馈", &SideFigures::fed_back),
      Received("销号", &SideFigures::closed),
      Received("退回补充", &SideFigures::feedback_rejected),
      Received("督办", &SideFigures::supervised),
      Received("挂牌督办", &SideFigures::listed_supervision),
      Received("蓝色预警", &SideFigures::blue_warnings),
      Received("黄色预警", &SideFigures::yellow_warnings),
      {"逾期",
       [](const Sides& sides) {
         return absl::StrCat(Overdue(sides.as_recipient));
       }},
      {"逾期率",
       [](const Sides& sides) {
         return Percent(Overdue(sides.as_recipient),
                        sides.as_recipient.referrals);
       }},
      Received("谈话函询", &SideFigures::talk_or_inquiry),
      Received("初步核实", &SideFigures::preliminary_verification),
      Received("暂存待查", &SideFigures::kept_pending),
      Received("予以了结", &SideFigures::closed_without_action),
      Received("立案审查调查", &SideFigures::case_filed),
      Received("转办", &SideFigures::transferred),
      Received("交办", &SideFigures::delegated),
      Received("阶段报告逾期", &SideFigures::report_overdue),
      Received("新增整改问题", &SideFigures::items_added),
      Received("整改完成", &SideFigures::items_verified),
      Received("整改未通过", &SideFigures::items_rejected),
      Received("整改逾期", &SideFigures::items_overdue),
      {"整改完成率",
       [](const Sides& sides) {
         return Percent(sides.as_recipient.items_verified,
                        sides.as_recipient.items_added);
       }},
      Received("立案人数", &SideFigures::persons_case_filed),
      Received("处分人数", &SideFigures::persons_disciplined),
      Received("组织处理人数", &SideFigures::persons_organisational_measures),
      Received("移送司法人数", &SideFigures::persons_transferred_judicial),
      {"追缴金额(元)",
       [](const Sides& sides) {
         return Yuan(sides.as_recipient.amount_recovered_fen);
       }},
      Received("整改问题数", &SideFigures::problems_rectified),
  };
  return *columns;
}

std::vector<std::string> Row(std::string unit, std::string name,
                             const Sides& sides) {
  std::vector<std::string> row = {std::move(unit), std::move(name)};
  for (const Column& column : Columns()) row.push_back(column.cell(sides));
  return row;
}

}  // namespace

StatisticsTable BuildStatisticsTable(const client::Statistics& statistics) {
  StatisticsTable table;
  table.header = {"单位", "单位名称"};
  for (const Column& column : Columns()) table.header.push_back(column.header);
  for (const client::UnitFigures& unit : statistics.units) {
    table.rows.push_back(Row(unit.agency_id, unit.display_name,
                             Sides{unit.as_sender, unit.as_recipient}));
  }
  // For one unit the totals are what became of what it sent, while its row
  // shows what became of what it received: a 合计 row would mix the two.
  if (statistics.units.size() > 1) {
    table.rows.push_back(
        Row("合计", "", Sides{statistics.totals, statistics.totals}));
  }
  return table;
}

std::string StatisticsText(const client::Statistics& statistics) {
  StatisticsTable built = BuildStatisticsTable(statistics);
  TextTable table(std::move(built.header));
  for (std::vector<std::string>& row : built.rows) {
    table.AddRow(std::move(row));
  }
  return absl::StrCat(
      "period ", statistics.from_date, " to ", statistics.to_date,
      " (days in China Standard Time, both included)\n\n", table.Render());
}

std::string StatisticsCsv(const client::Statistics& statistics) {
  const StatisticsTable table = BuildStatisticsTable(statistics);
  CsvWriter csv;
  csv.AddRecord(table.header);
  for (const std::vector<std::string>& row : table.rows) csv.AddRecord(row);
  return csv.text();
}

}  // namespace sx::sxctl
