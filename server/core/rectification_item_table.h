// How one item of a rectification ledger (整改台账) moves, in one table:
//
//   整改中 ──report done──────▶ 已完成·待核验 ──accept──▶ 已完成 (verified)
//     │  └─report long-term──▶ 长期坚持·待核验 ─accept──▶ 长期坚持
//     ◀──────────── reject (未通过) ◀──────────┘               │
//                       已完成·待核验 ◀──── report done ─────────┘
//
// Pure: the referral-level question (may this party take a ledger step on
// this referral now) is the referral state machine's; this answers what the
// step does to the item.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "supervision/v1/rectification.pb.h"

namespace sx::core {

enum class ItemStep {
  kProgress,        // recipient: progress, status unchanged
  kReportDone,      // recipient: 已完成, to be verified
  kReportLongTerm,  // recipient: 长期坚持, to be verified
  kAccept,          // sender: 核验通过
  kReject,          // sender: 未通过
  kFlagOverdue,     // hub: still 整改中 at the due date
};

struct ItemTransition {
  ::supervision::v1::RectificationStatus to;
  // What the item's history records.
  ::supervision::v1::RectificationStep recorded;
};

// What `step` does to an item in `status`, or FAILED_PRECONDITION saying in
// which statuses the step is open, e.g. "item 3 is 整改中 (in_progress):
// only a reported item can be verified ...".
absl::StatusOr<ItemTransition> DecideItemStep(
    uint32_t number, ::supervision::v1::RectificationStatus status,
    ItemStep step);

// Settled items (verified, or accepted as 长期坚持) let the list be closed.
bool IsSettled(::supervision::v1::RectificationStatus status);

// "整改中 (in_progress)": the status as the agencies and sxctl name it.
std::string ItemStatusName(::supervision::v1::RectificationStatus status);

}  // namespace sx::core
