#include "server/hub_log.h"

#include <cstdio>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sx::server {

void LogLine(absl::string_view line) {
  const std::string stamp = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ",
                                             absl::Now(), absl::UTCTimeZone());
  // One fprintf per line: stdio locks the stream, so lines do not interleave.
  std::fprintf(stderr, "%s sxhub %.*s\n", stamp.c_str(),
               static_cast<int>(line.size()), line.data());
}

}  // namespace sx::server
