// Records a confirmed restore from a backup in the event log: one
// transaction that counts the restore (so that referral ids move to a new
// generation the next time the store opens) and appends a LOG_RESTORED event
// at the point where the restored log continues. Auditors comparing a
// checkpoint taken after the backup with one taken after the restore then
// find a recorded restore, not an unexplained fork.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "sx/core/clock.h"
#include "sx/storage/backup_marker.h"
#include "sx/storage/store.h"

namespace sx::core {

struct RecordedRestore {
  // The LOG_RESTORED event; the backup held the events before it.
  uint64_t event_sequence = 0;
  // The id generation new referrals get (restores + 1).
  uint64_t generation = 0;
};

// Idempotent for one backup: if the last event already records the restore
// of `backup` (a crash before the marker was removed), returns it as is.
absl::StatusOr<RecordedRestore> RecordRestore(
    storage::Store& store, const Clock& clock,
    const storage::BackupMarker& backup);

}  // namespace sx::core
