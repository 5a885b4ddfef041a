// The figures `sxctl stats` shows, as one table of cells that both the text
// output and the CSV output print, so that the terminal and the spreadsheet
// always agree. One row per unit, headed in Chinese as the agencies' own
// report forms are: 移送 counts what the unit sent; every other column what
// happened to what it received (签收, 反馈, 销号, 退回补充, reminders at 督办
// and 挂牌督办, the hub's 蓝色 and 黄色预警, 逾期 and the rate of it,
// dispositions by method and 交办, rectification items and the rate
// completed, and the outcomes final feedback reported). When several units are
// listed, a last 合计 row counts every referral once, from the hub's totals.
#pragma once

#include <string>
#include <vector>

#include "sx/client/types.h"

namespace sx::sxctl {

struct StatisticsTable {
  // "单位", "单位名称", "移送", "接收", ...
  std::vector<std::string> header;
  // As many cells as the header. Rates are "12.5%" (one decimal), "-" where
  // there is nothing to divide by; amounts are yuan with two decimals.
  std::vector<std::vector<std::string>> rows;
};

StatisticsTable BuildStatisticsTable(const client::Statistics& statistics);

// The period, then the table aligned for a terminal.
std::string StatisticsText(const client::Statistics& statistics);

// The table as CSV for Excel: byte order mark, header, rows (csv_writer.h).
std::string StatisticsCsv(const client::Statistics& statistics);

}  // namespace sx::sxctl
