// Puts a backup in place of the hub's data directory, for `sxhub
// --restore-from`: refuses while a hub holds the database, keeps the
// current directory beside it, copies the backup (which stays a backup) and
// makes the copy durable. The restore itself is recorded afterwards
// (Hub::ConfirmRestore).
#pragma once

#include <string>

#include "absl/status/status.h"

namespace sx::server {

// FAILED_PRECONDITION if `backup_dir` carries no backup mark or a running
// hub holds `data_dir` (RocksDB's lock on its LOCK file); on success
// `data_dir` is a 0700 copy of the backup, and what was there is kept as
// `<data_dir>.replaced-<UTC time>` (printed).
absl::Status PutBackupInPlace(const std::string& backup_dir,
                              const std::string& data_dir);

}  // namespace sx::server
