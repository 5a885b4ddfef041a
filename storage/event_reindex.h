// Brings the event indexes of a data directory written by an older release
// up to this release's rule: the agency-and-type index (in place of the
// agency index), and the record of
// whether event times ever went back (before this release a clock stepped
// back could store an earlier time; see keys::kEventTimeWentBackKey). The
// one place the store reads all events: once, at the first open by this
// release, never on a request.
#pragma once

#include "absl/status/status.h"
#include "rocksdb/db.h"
#include "storage/column_families.h"

namespace sx::storage {

// Does nothing if the indexes follow this release's rule. Otherwise adds
// what is missing and records the rule last, fsynced: a crash part way
// leaves the rule unrecorded, and the next open starts over (the writes are
// the same each time).
absl::Status ReindexEventsIfStale(rocksdb::DB& db, const ColumnFamilies& cfs);

}  // namespace sx::storage
