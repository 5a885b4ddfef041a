// A scrub: reads every block of every live table file and checks its
// checksum, so that damage on disk is found on a schedule rather than when
// an auditor's query happens to read the block. Paced, so that it does not
// take the disk from the requests.
#pragma once

#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "sx/storage/store.h"

namespace sx::storage {

absl::StatusOr<ScrubReport> ScrubTableFiles(
    rocksdb::DB& db, uint64_t bytes_per_second,
    const std::function<bool()>& keep_going);

}  // namespace sx::storage
