// The mark a backup carries so that a restored data directory cannot start
// serving as if nothing happened. A checkpoint (backup) gets a small file
// naming when it was written and a random token; a hub finding that file in
// its data directory refuses to start until an operator has confirmed the
// restore (sxhub --confirm-restore), which records it in the event log and
// moves referral ids to a new generation, so that ids and checkpoints issued
// after the backup are never confused with new ones.
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace sx::storage {

// The file's name inside a checkpoint directory.
inline constexpr char kBackupMarkerFile[] = "SXHUB-BACKUP";

struct BackupMarker {
  absl::Time written;
  // 32 hex digits; tells one backup (and its restore) from another.
  std::string token;
};

// Writes the marker into `directory` (a fresh checkpoint) and fsyncs it.
absl::Status WriteBackupMarker(const std::string& directory, absl::Time now);

// The marker in `directory`, or nullopt if there is none. DATA_LOSS if the
// file is there but unreadable or malformed (a restore must not pass
// unnoticed because its mark is damaged).
absl::StatusOr<std::optional<BackupMarker>> ReadBackupMarker(
    const std::string& directory);

// Removes the marker once the restore is recorded, durably.
absl::Status RemoveBackupMarker(const std::string& directory);

// fsyncs a directory, so that entries created or renamed in it last.
absl::Status SyncDirectory(const std::string& directory);

}  // namespace sx::storage
