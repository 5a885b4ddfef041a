// The period `sxctl stats` asks about, named one of four ways: --from and
// --to (days), --month 2026-03, --quarter 2026-Q1 or --year 2026. Exactly
// one way at a time, so that no flag silently overrides another. Days are
// calendar days in China Standard Time, as the hub counts them; both ends
// are included.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "client_sdk/sxctl/command_line.h"

namespace sx::sxctl {

struct StatisticsPeriod {
  absl::CivilDay first;
  absl::CivilDay last;
};

// The period the options name; a usage error (UsageError) for none, more
// than one way, a malformed value, or a period that ends before it starts.
absl::StatusOr<StatisticsPeriod> PeriodFromOptions(
    const Invocation& invocation);

// "2026-03-31", as the hub takes days.
std::string FormatDay(absl::CivilDay day);

}  // namespace sx::sxctl
