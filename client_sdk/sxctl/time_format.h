// Times in sxctl's output: RFC 3339 in UTC, as both people and programs that
// read --json expect ("2024-05-06T08:30:00Z").
#pragma once

#include <string>

#include "absl/time/time.h"

namespace sx::sxctl {

// Whole seconds, for tables. "" for absl::InfinitePast() (never set).
std::string FormatTimeSeconds(absl::Time time);

// With the fraction the hub recorded, for JSON. "" for absl::InfinitePast().
std::string FormatTimePrecise(absl::Time time);

}  // namespace sx::sxctl
