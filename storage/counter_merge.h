// The merge operator of the counters column family: a counter's operands
// are 8-byte big-endian deltas (two's complement), and merging adds them.
// Transactions add to counters without reading them, so keeping the hub's
// statistics costs a write per counter, never a read, on the commit path.
#pragma once

#include <memory>

#include "rocksdb/merge_operator.h"

namespace sx::storage {

std::shared_ptr<rocksdb::MergeOperator> NewCounterMergeOperator();

}  // namespace sx::storage
