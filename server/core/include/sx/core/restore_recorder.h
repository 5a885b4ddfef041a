// Records a confirmed restore from a backup in the event log: one
// transaction that appends a LOG_RESTORED event where the restored log
// continues, gives referral ids a new generation and moves every inbox past
// the sequences it may have given out after the backup. Auditors comparing a
// checkpoint taken after the backup with one taken after the restore then
// find a recorded restore, not an unexplained fork; agencies never see an id
// or an inbox sequence again that they saw before the restore.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sx/core/clock.h"
#include "sx/storage/backup_marker.h"
#include "sx/storage/store.h"

namespace sx::core {

struct RecordedRestore {
  // The LOG_RESTORED event; the backup held the events before it.
  uint64_t event_sequence = 0;
  // What new referral ids carry, e.g. "r20261206230000123456": the
  // restore's time to the microsecond,
  // so that it sorts after every earlier generation and does not repeat
  // when the same backup is restored twice.
  std::string generation;
};

// `agencies`: every configured agency, whose inbox sequences move on to the
// restore's time in microseconds since 1970 (past anything given out before,
// below 2^53 for JSON readers). Idempotent for one backup: if the last event
// already records the restore of `backup` (a crash before its mark was
// removed), returns it as is.
absl::StatusOr<RecordedRestore> RecordRestore(
    storage::Store& store, const Clock& clock,
    const storage::BackupMarker& backup,
    const std::vector<std::string>& agencies);

}  // namespace sx::core
