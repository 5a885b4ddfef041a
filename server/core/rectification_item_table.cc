#include "server/core/rectification_item_table.h"

#include <initializer_list>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

using Status = v1::RectificationStatus;

constexpr Status kInProgress = v1::RECTIFICATION_STATUS_IN_PROGRESS;
constexpr Status kReportedDone = v1::RECTIFICATION_STATUS_REPORTED_DONE;
constexpr Status kReportedLongTerm =
    v1::RECTIFICATION_STATUS_REPORTED_LONG_TERM;
constexpr Status kVerified = v1::RECTIFICATION_STATUS_VERIFIED;
constexpr Status kLongTerm = v1::RECTIFICATION_STATUS_LONG_TERM;
// The step leaves the status as it is.
constexpr Status kUnchanged = v1::RECTIFICATION_STATUS_UNSPECIFIED;

struct ItemRule {
  ItemStep step;
  std::initializer_list<Status> from;
  Status to;
  v1::RectificationStep recorded;
};

// A step may have a row per starting status when it leads to different
// places from each (accepting a done report verifies the item; accepting a
// long-term report makes it 长期坚持).
const ItemRule kItemRules[] = {
    {ItemStep::kProgress,
     {kInProgress, kLongTerm},
     kUnchanged,
     v1::RECTIFICATION_STEP_PROGRESS},
    {ItemStep::kReportDone,
     {kInProgress, kLongTerm},
     kReportedDone,
     v1::RECTIFICATION_STEP_REPORTED_DONE},
    {ItemStep::kReportLongTerm,
     {kInProgress},
     kReportedLongTerm,
     v1::RECTIFICATION_STEP_REPORTED_LONG_TERM},
    {ItemStep::kAccept,
     {kReportedDone},
     kVerified,
     v1::RECTIFICATION_STEP_VERIFIED},
    {ItemStep::kAccept,
     {kReportedLongTerm},
     kLongTerm,
     v1::RECTIFICATION_STEP_VERIFIED},
    {ItemStep::kReject,
     {kReportedDone, kReportedLongTerm},
     kInProgress,
     v1::RECTIFICATION_STEP_REJECTED},
    {ItemStep::kFlagOverdue,
     {kInProgress},
     kUnchanged,
     v1::RECTIFICATION_STEP_OVERDUE},
};

absl::string_view StepWords(ItemStep step) {
  switch (step) {
    case ItemStep::kProgress:
      return "report progress on";
    case ItemStep::kReportDone:
      return "report as done (已完成)";
    case ItemStep::kReportLongTerm:
      return "report as continuing (长期坚持)";
    case ItemStep::kAccept:
      return "verify (核验通过)";
    case ItemStep::kReject:
      return "reject (未通过)";
    case ItemStep::kFlagOverdue:
      return "flag as overdue";
  }
  return "change";
}

absl::string_view ChineseName(Status status) {
  switch (status) {
    case kInProgress:
      return "整改中";
    case kReportedDone:
      return "已完成·待核验";
    case kReportedLongTerm:
      return "长期坚持·待核验";
    case kVerified:
      return "已完成";
    case kLongTerm:
      return "长期坚持";
    default:
      return "";
  }
}

}  // namespace

absl::StatusOr<ItemTransition> DecideItemStep(uint32_t number, Status status,
                                              ItemStep step) {
  std::vector<std::string> open_in;
  for (const ItemRule& rule : kItemRules) {
    if (rule.step != step) continue;
    for (Status from : rule.from) {
      if (from == status) {
        return ItemTransition{rule.to == kUnchanged ? status : rule.to,
                              rule.recorded};
      }
      open_in.push_back(ItemStatusName(from));
    }
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot ", StepWords(step), " item ", number, ": it is ",
      ItemStatusName(status), ", and that step is open only for an item ",
      absl::StrJoin(open_in, " or ")));
}

bool IsSettled(Status status) {
  return status == kVerified || status == kLongTerm;
}

std::string ItemStatusName(Status status) {
  absl::string_view name = v1::RectificationStatus_Name(status);
  if (name.empty()) return absl::StrCat("unknown status ", status);
  absl::ConsumePrefix(&name, "RECTIFICATION_STATUS_");
  const std::string english = absl::AsciiStrToLower(name);
  const absl::string_view chinese = ChineseName(status);
  return chinese.empty() ? english : absl::StrCat(chinese, " (", english, ")");
}

}  // namespace sx::core
