// The hub's operational log: one line per event on stderr, for journald.
// Lines carry ids, methods, callers and status codes; never lead contents,
// reasons or feedback text.
#pragma once

#include "absl/strings/string_view.h"

namespace sx::server {

// Thread-safe.
void LogLine(absl::string_view line);

}  // namespace sx::server
