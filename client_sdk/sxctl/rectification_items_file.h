// The file of ledger items a sender writes for `sxctl send --items` and
// `sxctl rectification add`: plain UTF-8 text, one item per block of
// "field: value" lines, blocks separated by blank lines. Chinese problem
// texts hold commas, tabs and quotes, which CSV and TSV would trip over; a
// line per field does not.
//
//   # 第一轮巡察反馈
//   category: 党的领导弱化
//   problem: 落实全面从严治党主体责任不到位
//   measure: 召开专题民主生活会
//   measure: 修订党组议事规则
//   unit: 局党组
//   due: 2025-03-31
//
//   problem: 公务接待超标准
//   unit: 局办公室
//
// Fields: problem (required), category, unit, due (each at most once),
// measure (any number). `due` is a date or time as deadline_date.h reads it.
// Lines starting with '#' are comments. A full-width colon (：) works as well
// as ':'; a byte-order mark and CRLF line ends (Windows editors) are fine.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sx/client/types.h"

namespace sx::sxctl {

// The items of `text`, in file order. INVALID_ARGUMENT names the file and
// the line of the first problem ("items.txt:7: ..."), and never quotes a
// problem's or measure's text: the error goes to stderr.
absl::StatusOr<std::vector<client::RectificationItemDraft>>
ParseRectificationItems(absl::string_view text, absl::string_view file_name);

// Reads the file at `path` and parses it.
absl::StatusOr<std::vector<client::RectificationItemDraft>>
ReadRectificationItemsFile(const std::string& path);

}  // namespace sx::sxctl
