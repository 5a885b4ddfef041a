// Pieces of the Prometheus text exposition format 0.0.4 shared by every
// metric family: name checks, escaping and sample value formatting.
// Stateless; all functions are thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace sx::metrics {

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidMetricName(absl::string_view name);

// [a-zA-Z_][a-zA-Z0-9_]*, and not starting with "__" (reserved).
bool IsValidLabelName(absl::string_view name);

// Escapes backslash, double quote and newline for use inside label="...".
std::string EscapeLabelValue(absl::string_view value);

// Escapes backslash and newline for a "# HELP" line.
std::string EscapeHelp(absl::string_view help);

// Shortest text that reads back as `value`: "3", "0.0025", "+Inf", "NaN".
std::string FormatSampleValue(double value);

// Appends `{a="x",b="y"}` (nothing if there are no labels). `extra_name` and
// `extra_value`, if the name is not empty, come last (the histogram "le").
// REQUIRES: names.size() == values.size()
void AppendLabelSet(const std::vector<std::string>& names,
                    const std::vector<std::string>& values,
                    absl::string_view extra_name, absl::string_view extra_value,
                    std::string* out);

}  // namespace sx::metrics
