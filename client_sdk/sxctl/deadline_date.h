// Deadlines as agencies write them: a calendar day ("完成时限 2025-03-31")
// means by the end of that day in China Standard Time (UTC+08:00), the one
// time zone of the agencies the hub serves, whatever the zone of the machine
// sxctl runs on. Used for ledger items' due dates and review dates.
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sx::sxctl {

// "2025-03-31" is the end of that day, 2025-04-01T00:00:00+08:00 (the hub
// flags an item overdue once that moment has passed). An RFC 3339 time
// ("2025-03-31T18:00:00+08:00") is taken as it is. False for anything else.
bool ParseDeadline(absl::string_view text, absl::Time* deadline);

// The calendar day (China Standard Time) a deadline falls on, so that the day
// ParseDeadline read prints as the same day: "2025-03-31". "" for
// absl::InfinitePast() (never set).
std::string FormatDeadlineDay(absl::Time deadline);

// For messages: what ParseDeadline accepts.
inline constexpr char kDeadlineForms[] =
    "a date such as 2025-03-31 (by the end of that day, China Standard Time) "
    "or an RFC 3339 time such as 2025-03-31T18:00:00+08:00";

}  // namespace sx::sxctl
