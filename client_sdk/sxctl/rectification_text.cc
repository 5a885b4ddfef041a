#include "client_sdk/sxctl/rectification_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client_sdk/sxctl/deadline_date.h"
#include "client_sdk/sxctl/text_table.h"
#include "client_sdk/sxctl/time_format.h"
#include "client_sdk/sxctl/utf8.h"

namespace sx::sxctl {
namespace {

using client::RectificationStatus;

// Table cells of free text are cut so that a row fits a terminal line; the
// details (--history) show them whole.
constexpr size_t kShortColumn = 16;
constexpr size_t kProblemColumn = 40;

const char* ChineseName(RectificationStatus status) {
  switch (status) {
    case RectificationStatus::kInProgress:
      return "整改中";
    case RectificationStatus::kReportedDone:
      return "已完成·待核验";
    case RectificationStatus::kReportedLongTerm:
      return "长期坚持·待核验";
    case RectificationStatus::kVerified:
      return "已完成";
    case RectificationStatus::kLongTerm:
      return "长期坚持";
    case RectificationStatus::kUnspecified:
      break;
  }
  return "";
}

std::string HistoryDetail(const client::RectificationUpdate& update) {
  std::vector<std::string> parts;
  if (!update.text.empty()) parts.push_back(update.text);
  if (update.review_at != absl::InfinitePast()) {
    parts.push_back(
        absl::StrCat("review ", FormatDeadlineDay(update.review_at)));
  }
  if (!update.evidence.empty()) {
    std::vector<std::string> names;
    for (const client::Attachment& file : update.evidence) {
      names.push_back(
          absl::StrCat(file.name, " (", file.size_bytes, " bytes)"));
    }
    parts.push_back(absl::StrCat("evidence ", absl::StrJoin(names, ", ")));
  }
  return absl::StrJoin(parts, "; ");
}

std::string HistoryTable(
    const std::vector<client::RectificationUpdate>& history) {
  TextTable table({"TIME", "STEP", "ACTOR", "STATUS", "DETAIL"});
  for (const client::RectificationUpdate& update : history) {
    table.AddRow({FormatTimeSeconds(update.time), client::ToString(update.step),
                  update.actor, RectificationStatusLabel(update.status),
                  HistoryDetail(update)});
  }
  std::string out;
  for (absl::string_view line : absl::StrSplit(table.Render(), '\n')) {
    if (!line.empty()) absl::StrAppend(&out, "    ", line, "\n");
  }
  return out;
}

}  // namespace

std::string RectificationStatusLabel(RectificationStatus status) {
  const char* chinese = ChineseName(status);
  if (*chinese == '\0') return client::ToString(status);
  return absl::StrCat(chinese, " ", client::ToString(status));
}

std::string RectificationSummaryLine(
    const client::RectificationSummary& summary) {
  if (summary.total == 0) return "no items";
  return absl::StrCat(
      "settled ", summary.verified + summary.long_term, "/", summary.total,
      " (verified ", summary.verified, ", long-term ", summary.long_term,
      "), awaiting verification ", summary.awaiting_verification,
      ", in progress ", summary.in_progress, ", overdue ", summary.overdue,
      ", rejections ", summary.rejections);
}

std::string RectificationItemTableText(
    const std::vector<client::RectificationItem>& items) {
  TextTable table(
      {"NO", "CATEGORY", "STATUS", "DUE", "OVERDUE", "UNIT", "PROBLEM"});
  for (const client::RectificationItem& item : items) {
    // Cut by the columns of the raw text: the rare control character that
    // TextTable escapes afterwards only widens its cell a little.
    table.AddRow({absl::StrCat(item.number),
                  TruncateToWidth(item.category, kShortColumn),
                  RectificationStatusLabel(item.status),
                  FormatDeadlineDay(item.due_at), item.overdue ? "overdue" : "",
                  TruncateToWidth(item.responsible_unit, kShortColumn),
                  TruncateToWidth(item.problem, kProblemColumn)});
  }
  return table.Render();
}

std::string RectificationItemDetailText(const client::RectificationItem& item) {
  std::vector<std::string> measures;
  for (size_t i = 0; i < item.measures.size(); ++i) {
    measures.push_back(absl::StrCat(i + 1, ". ", item.measures[i]));
  }
  KeyValueBlock block(2);
  block.Add("category", item.category);
  block.Add("problem", item.problem);
  block.Add("measures", absl::StrJoin(measures, "\n"));
  block.Add("unit", item.responsible_unit);
  std::string due = FormatDeadlineDay(item.due_at);
  if (!due.empty() && item.overdue) absl::StrAppend(&due, " (overdue)");
  block.Add("due", due);
  block.Add("review", FormatDeadlineDay(item.review_at));
  block.Add("round", absl::StrCat(item.round));
  block.Add("rejections", absl::StrCat(item.rejections));
  block.Add("updated", FormatTimeSeconds(item.updated_at));
  std::string out =
      absl::StrCat("#", item.number, "  ",
                   RectificationStatusLabel(item.status), "\n", block.Render());
  if (!item.history.empty()) {
    absl::StrAppend(&out, "  history\n", HistoryTable(item.history));
  }
  return out;
}

std::string RectificationPageText(const client::RectificationItemPage& page,
                                  bool details) {
  std::string out = page.items.empty() ? "no items match\n"
                                       : RectificationItemTableText(page.items);
  if (details) {
    for (const client::RectificationItem& item : page.items) {
      absl::StrAppend(&out, "\n", RectificationItemDetailText(item));
    }
  }
  absl::StrAppend(&out, "\n", RectificationSummaryLine(page.summary), "\n");
  return out;
}

std::string RectificationStepText(
    const client::RectificationStepResult& result) {
  const client::Referral& referral = result.referral;
  return absl::StrCat("referral ", referral.referral_id, ": ",
                      client::ToString(referral.state), ", version ",
                      referral.version, "\n\n",
                      RectificationItemTableText(result.items), "\n",
                      RectificationSummaryLine(referral.rectification), "\n");
}

}  // namespace sx::sxctl
