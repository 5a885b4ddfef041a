#include "server/storage_scrubber.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/hub_log.h"

namespace sx::server {

StorageScrubber::StorageScrubber(storage::Store& store, absl::Duration interval,
                                 uint64_t bytes_per_second)
    : store_(store),
      interval_(interval),
      bytes_per_second_(bytes_per_second),
      thread_([this] { Run(); }) {}

StorageScrubber::~StorageScrubber() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

bool StorageScrubber::Stopping() {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

void StorageScrubber::Run() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_)) return;
    }
    absl::StatusOr<storage::ScrubReport> report =
        store_.Scrub(bytes_per_second_, [this] { return !Stopping(); });
    if (!report.ok()) {
      LogLine(absl::StrCat("storage scrub could not run, next in ",
                           absl::FormatDuration(interval_), ": ",
                           report.status().message()));
      continue;
    }
    LogLine(absl::StrCat(
        "storage scrub: ", report->files, " table files, ", report->bytes >> 20,
        " MiB verified in ",
        absl::FormatDuration(absl::Trunc(report->took, absl::Milliseconds(1))),
        report->gone > 0
            ? absl::StrCat(" (", report->gone, " compacted away meanwhile)")
            : "",
        report->damaged.empty()
            ? "; no damage"
            : absl::StrCat("; DAMAGED: ",
                           absl::StrJoin(report->damaged, "; "))));
  }
}

}  // namespace sx::server
