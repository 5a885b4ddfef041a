// A group's write batch in key order, column family by column family, for
// the memtable's sake. RocksDB inserts a batch's entries into each column
// family's skip list in batch order, reusing the position of the previous
// insert; a group of submits writes each family's keys in no order at all
// (request ids are random, counters jump between units and days), so nearly
// every insert searches the list from the top. In key order, the next key
// is almost always right after the previous one.
//
// Same effect as the original: the sort is stable, so writes of one key keep
// their order (a Put then a Merge, a Delete then a Put), and entries of
// different keys do not interact. The WAL records the sorted batch, and
// recovery replays it in that order.
#pragma once

#include <optional>

#include "rocksdb/write_batch.h"
#include "storage/column_families.h"

namespace sx::storage {

// The batch's entries sorted by (column family, key), or nothing if it
// holds anything but puts, deletes and merges (then write it as it is).
std::optional<rocksdb::WriteBatch> InKeyOrder(const rocksdb::WriteBatch& batch,
                                              const ColumnFamilies& families);

}  // namespace sx::storage
