// How many entries wait in each agency's inbox and dead letters, counted as
// entries come and go (in the counters family, in the same transaction), so
// that inbox statistics and every metrics scrape cost the same whatever the
// backlog. Data directories written before these counts existed are counted
// once when opened.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"
#include "storage/column_families.h"
#include "storage/queue_count_keys.h"

namespace sx::storage {

// Counts every inbox and the dead letters once, unless done before (the
// meta key records it). Safe to repeat after a crash part way: the counts
// are written together with the record, fsynced.
absl::Status CountQueuesIfUncounted(rocksdb::DB& db, const ColumnFamilies& cfs);

}  // namespace sx::storage
