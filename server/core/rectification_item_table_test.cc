#include "server/core/rectification_item_table.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

using Status = v1::RectificationStatus;

constexpr Status kUnspecified = v1::RECTIFICATION_STATUS_UNSPECIFIED;
constexpr Status kInProgress = v1::RECTIFICATION_STATUS_IN_PROGRESS;
constexpr Status kReportedDone = v1::RECTIFICATION_STATUS_REPORTED_DONE;
constexpr Status kReportedLongTerm =
    v1::RECTIFICATION_STATUS_REPORTED_LONG_TERM;
constexpr Status kVerified = v1::RECTIFICATION_STATUS_VERIFIED;
constexpr Status kLongTerm = v1::RECTIFICATION_STATUS_LONG_TERM;

const std::vector<Status> kAllStatuses = {kUnspecified,  kInProgress,
                                          kReportedDone, kReportedLongTerm,
                                          kVerified,     kLongTerm};

const std::vector<ItemStep> kAllSteps = {
    ItemStep::kProgress, ItemStep::kReportDone, ItemStep::kReportLongTerm,
    ItemStep::kAccept,   ItemStep::kReject,     ItemStep::kFlagOverdue};

std::string StepLabel(ItemStep step) {
  switch (step) {
    case ItemStep::kProgress:
      return "progress";
    case ItemStep::kReportDone:
      return "report_done";
    case ItemStep::kReportLongTerm:
      return "report_long_term";
    case ItemStep::kAccept:
      return "accept";
    case ItemStep::kReject:
      return "reject";
    case ItemStep::kFlagOverdue:
      return "flag_overdue";
  }
  return "?";
}

// The statuses as the agencies and sxctl name them, written out here.
const std::map<Status, std::string> kStatusNames = {
    {kInProgress, "整改中 (in_progress)"},
    {kReportedDone, "已完成·待核验 (reported_done)"},
    {kReportedLongTerm, "长期坚持·待核验 (reported_long_term)"},
    {kVerified, "已完成 (verified)"},
    {kLongTerm, "长期坚持 (long_term)"},
    {kUnspecified, "unspecified"},
};

// The contract of rectification.proto, written out independently of the
// table in rectification_item_table.cc: for each step, the statuses it is
// open in, where each leads and what the item's history records.
struct Expected {
  ItemStep step;
  Status from;
  Status to;
  v1::RectificationStep recorded;
};

const std::vector<Expected> kContract = {
    // Progress keeps the item where it is (整改中 or 长期坚持).
    {ItemStep::kProgress, kInProgress, kInProgress,
     v1::RECTIFICATION_STEP_PROGRESS},
    {ItemStep::kProgress, kLongTerm, kLongTerm,
     v1::RECTIFICATION_STEP_PROGRESS},
    // Done: from 整改中, or later from 长期坚持.
    {ItemStep::kReportDone, kInProgress, kReportedDone,
     v1::RECTIFICATION_STEP_REPORTED_DONE},
    {ItemStep::kReportDone, kLongTerm, kReportedDone,
     v1::RECTIFICATION_STEP_REPORTED_DONE},
    // Continuing effort: only from 整改中.
    {ItemStep::kReportLongTerm, kInProgress, kReportedLongTerm,
     v1::RECTIFICATION_STEP_REPORTED_LONG_TERM},
    // 核验通过: 已完成·待核验 → 已完成, 长期坚持·待核验 → 长期坚持.
    {ItemStep::kAccept, kReportedDone, kVerified,
     v1::RECTIFICATION_STEP_VERIFIED},
    {ItemStep::kAccept, kReportedLongTerm, kLongTerm,
     v1::RECTIFICATION_STEP_VERIFIED},
    // 未通过: either report back to 整改中.
    {ItemStep::kReject, kReportedDone, kInProgress,
     v1::RECTIFICATION_STEP_REJECTED},
    {ItemStep::kReject, kReportedLongTerm, kInProgress,
     v1::RECTIFICATION_STEP_REJECTED},
    // The hub flags only an item still 整改中.
    {ItemStep::kFlagOverdue, kInProgress, kInProgress,
     v1::RECTIFICATION_STEP_OVERDUE},
};

const Expected* ContractFor(ItemStep step, Status from) {
  for (const Expected& row : kContract) {
    if (row.step == step && row.from == from) return &row;
  }
  return nullptr;
}

// Every (status × step): exactly the contract's combinations succeed, with
// the right status and record; the rest are FAILED_PRECONDITION naming the
// item and its status.
TEST(RectificationItemTableTest, EveryCombinationMatchesTheContract) {
  int allowed = 0;
  uint32_t number = 1;
  for (Status status : kAllStatuses) {
    for (ItemStep step : kAllSteps) {
      // A different, multi-digit number each time, so that "item 1" cannot
      // pass for "item 12".
      number += 11;
      SCOPED_TRACE(absl::StrCat(v1::RectificationStatus_Name(status), " × ",
                                StepLabel(step), " (item ", number, ")"));
      absl::StatusOr<ItemTransition> decided =
          DecideItemStep(number, status, step);
      const Expected* expected = ContractFor(step, status);
      if (expected == nullptr) {
        ASSERT_EQ(decided.status().code(),
                  absl::StatusCode::kFailedPrecondition)
            << decided.status();
        const std::string message(decided.status().message());
        EXPECT_TRUE(
            absl::StrContains(message, absl::StrCat("item ", number, ":")))
            << message;
        EXPECT_TRUE(absl::StrContains(
            message, absl::StrCat("it is ", kStatusNames.at(status))))
            << message;
        EXPECT_FALSE(absl::StrContains(message, "RECTIFICATION_STATUS_"))
            << message;
        continue;
      }
      ASSERT_TRUE(decided.ok()) << decided.status();
      ++allowed;
      EXPECT_EQ(decided->to, expected->to);
      EXPECT_EQ(decided->recorded, expected->recorded);
    }
  }
  EXPECT_EQ(allowed, static_cast<int>(kContract.size()));
}

// A refusal says in which statuses the step is open, by their names in both
// languages, and only those.
TEST(RectificationItemTableTest, RefusalsNameTheStatusesWhereTheStepIsOpen) {
  for (ItemStep step : kAllSteps) {
    for (Status status : kAllStatuses) {
      if (ContractFor(step, status) != nullptr) continue;
      absl::StatusOr<ItemTransition> decided = DecideItemStep(3, status, step);
      ASSERT_FALSE(decided.ok());
      const std::string message(decided.status().message());
      const std::string open =
          message.substr(message.find("open only for an item"));
      SCOPED_TRACE(message);
      for (Status candidate : kAllStatuses) {
        if (candidate == kUnspecified) continue;
        EXPECT_EQ(absl::StrContains(open, kStatusNames.at(candidate)),
                  ContractFor(step, candidate) != nullptr)
            << v1::RectificationStatus_Name(candidate);
      }
    }
  }
}

TEST(RectificationItemTableTest, TheDocumentedRefusalReadsAsASentence) {
  absl::StatusOr<ItemTransition> decided =
      DecideItemStep(3, kInProgress, ItemStep::kAccept);
  EXPECT_EQ(decided.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(decided.status().message(),
            "cannot verify (核验通过) item 3: it is 整改中 (in_progress), and "
            "that step is open only for an item 已完成·待核验 (reported_done) "
            "or 长期坚持·待核验 (reported_long_term)");

  // A settled item cannot be reported on as continuing again.
  decided = DecideItemStep(27, kLongTerm, ItemStep::kReportLongTerm);
  EXPECT_EQ(decided.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(decided.status().message(),
                                "item 27: it is 长期坚持 (long_term)"))
      << decided.status().message();

  // Nothing moves a verified item.
  for (ItemStep step : kAllSteps) {
    EXPECT_FALSE(DecideItemStep(5, kVerified, step).ok()) << StepLabel(step);
  }
}

TEST(RectificationItemTableTest, NoStepLeavesAnItemWithoutAStatus) {
  for (Status status : kAllStatuses) {
    for (ItemStep step : kAllSteps) {
      absl::StatusOr<ItemTransition> decided = DecideItemStep(1, status, step);
      if (!decided.ok()) continue;
      EXPECT_NE(decided->to, kUnspecified)
          << v1::RectificationStatus_Name(status) << " " << StepLabel(step);
      EXPECT_NE(decided->recorded, v1::RECTIFICATION_STEP_UNSPECIFIED);
      EXPECT_NE(decided->recorded, v1::RECTIFICATION_STEP_ADDED)
          << "ADDED is recorded when an item is created, not by a step";
    }
  }
  // An item without a status (never stored so) takes no step at all.
  for (ItemStep step : kAllSteps) {
    EXPECT_EQ(DecideItemStep(1, kUnspecified, step).status().code(),
              absl::StatusCode::kFailedPrecondition)
        << StepLabel(step);
  }
}

TEST(RectificationItemTableTest, OnlyVerifiedAndLongTermAreSettled) {
  const std::map<Status, bool> settled = {
      {kUnspecified, false},      {kInProgress, false}, {kReportedDone, false},
      {kReportedLongTerm, false}, {kVerified, true},    {kLongTerm, true}};
  for (const auto& [status, expected] : settled) {
    EXPECT_EQ(IsSettled(status), expected)
        << v1::RectificationStatus_Name(status);
  }
}

TEST(RectificationItemTableTest, StatusNamesAreChineseWithTheEnglishAside) {
  for (const auto& [status, name] : kStatusNames) {
    EXPECT_EQ(ItemStatusName(status), name)
        << v1::RectificationStatus_Name(status);
  }
  EXPECT_EQ(ItemStatusName(static_cast<Status>(99)), "unknown status 99");
}

}  // namespace
}  // namespace sx::core
