#include "storage/counter_merge.h"

#include <cstdint>
#include <string>

#include "storage/keys.h"
#include "storage/slices.h"

namespace sx::storage {
namespace {

class CounterMergeOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/,
             const rocksdb::Slice* existing_value, const rocksdb::Slice& value,
             std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    uint64_t sum = 0;
    if (existing_value != nullptr &&
        !keys::DecodeUint64(ToView(*existing_value), &sum)) {
      return false;  // RocksDB reports the key as corrupted
    }
    uint64_t delta = 0;
    if (!keys::DecodeUint64(ToView(value), &delta)) return false;
    // Unsigned addition wraps, so negative deltas (two's complement) work.
    *new_value = keys::EncodeUint64(sum + delta);
    return true;
  }

  const char* Name() const override { return "sx.CounterAdd"; }
};

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> NewCounterMergeOperator() {
  return std::make_shared<CounterMergeOperator>();
}

}  // namespace sx::storage
