// The one place where RocksDB statuses become absl::Status.
#pragma once

#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "rocksdb/status.h"

namespace sx::storage {

// Maps a RocksDB status to an absl::Status whose message says what the store
// was doing (`action`) and what RocksDB reported.
absl::Status FromRocksDb(const rocksdb::Status& status,
                         absl::string_view action);

}  // namespace sx::storage
