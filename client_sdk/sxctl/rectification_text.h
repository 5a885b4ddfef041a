// The human-readable shape of a problem list's rectification ledger
// (整改台账): a table of items, each item's details and history, and the
// one-line summary that `show` prints for a problem list too. Statuses are
// shown as people in the agencies name them, with the SDK's name beside it
// ("整改中 in_progress"), which is also what --status takes.
#pragma once

#include <string>
#include <vector>

#include "sx/client/types.h"

namespace sx::sxctl {

// "整改中 in_progress", "已完成·待核验 reported_done", ...
std::string RectificationStatusLabel(client::RectificationStatus status);

// "settled 10/11 (verified 9, long-term 1), awaiting verification 0, in
// progress 1, overdue 1, rejections 1"; "no items" for an empty ledger.
std::string RectificationSummaryLine(
    const client::RectificationSummary& summary);

// One row per item: number, category, status, due day, overdue flag,
// responsible unit and the problem, cut to fit a terminal.
std::string RectificationItemTableText(
    const std::vector<client::RectificationItem>& items);

// One item in full: problem, measures, dates, counts and its history (if the
// hub sent it).
std::string RectificationItemDetailText(const client::RectificationItem& item);

// What `rectification list` prints: the table, with `details` each item in
// full after it, then the summary line.
std::string RectificationPageText(const client::RectificationItemPage& page,
                                  bool details);

// What a ledger step prints: the referral's id, state and version, the items
// the step changed, and the ledger's new summary.
std::string RectificationStepText(
    const client::RectificationStepResult& result);

}  // namespace sx::sxctl
