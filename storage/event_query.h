// Answers Store::QueryEvents from the event index family (key layout in
// keys.h). The index read is the narrowest the filter allows, and a time
// range becomes a sequence range because event times never go back: a page
// costs the same at any size of history.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "storage/column_families.h"
#include "sx/storage/store.h"

namespace sx::storage {

absl::StatusOr<std::vector<uint64_t>> QueryEventSequences(
    rocksdb::DB& db, const rocksdb::ReadOptions& read,
    const ColumnFamilies& cfs, const EventFilter& filter,
    uint64_t after_sequence, size_t limit);

}  // namespace sx::storage
