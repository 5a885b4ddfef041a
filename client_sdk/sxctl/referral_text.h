// The human-readable shape of sxctl's results: key-value blocks for one
// referral, aligned tables for lists and inbox entries. Remote text is made
// terminal-safe (see utf8.h) before it is shown.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "client_sdk/sxctl/attachment_files.h"
#include "sx/client/types.h"

namespace sx::sxctl {

// Everything the hub returned about one referral: state and deadlines (the
// feedback deadline's warning level and the warnings still to come, a
// kept-pending one's review date and since when its clock is paused), links
// to other referrals (转办, 交办), a problem list's ledger summary, the lead
// (if included), attachments with sizes and digests, every disposition
// decision, feedback (with its outcome figures and the delegated children it
// cites) and reminders. `saved` may be null.
std::string ReferralText(const client::Referral& referral,
                         const SavedAttachments* saved, absl::Time now);

// What `delegate` prints: the parent as ReferralText does, then the child it
// just made (the last of its delegated_referral_ids).
std::string DelegatedText(const client::Referral& parent, absl::Time now);

// One row per referral, with its warning level; `now` decides which due
// dates are overdue.
std::string ReferralTableText(const std::vector<client::Referral>& referrals,
                              absl::Time now);

// One row per inbox entry.
std::string InboxTableText(const std::vector<client::InboxEntry>& entries);

// One line per entry, for streaming where later rows are not known yet.
std::string InboxLineText(const client::InboxEntry& entry);

// The deadlines the hub flagged as missed: "accept", "feedback", "accept,
// feedback" or "".
std::string OverdueFlagsText(bool accept_overdue, bool feedback_overdue);

// What an event adds beyond its type: a warning level (预警), a method, a
// related referral, the ledger items of a rectification step, a reason.
std::string EventDetailText(const client::Event& event);

// A warning level (预警) with the agencies' name for it: "yellow (黄)"; ""
// for none.
std::string WarningLevelText(client::WarningLevel level);

// The same for a narrow table column: 蓝, 黄 or 红, "-" for none.
std::string WarningLevelMark(client::WarningLevel level);

// How hard a reminder pressed, with the agencies' name for it: "supervise
// (督办)"; "" for none (a referral never reminded).
std::string SupervisionLevelText(client::SupervisionLevel level);

// The same for a narrow table column: 催办, 督办 or 挂牌督办, "-" for none.
std::string SupervisionLevelMark(client::SupervisionLevel level);

}  // namespace sx::sxctl
