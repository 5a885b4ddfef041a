#include "storage/batch_order.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "rocksdb/slice.h"

namespace sx::storage {
namespace {

// The batch's entries as slices into its own buffer, which outlives them.
class EntryCollector final : public rocksdb::WriteBatch::Handler {
 public:
  enum class Kind : uint8_t { kPut, kDelete, kMerge };
  struct Entry {
    uint32_t family;
    Kind kind;
    rocksdb::Slice key;
    rocksdb::Slice value;
  };

  rocksdb::Status PutCF(uint32_t family, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    entries_.push_back({family, Kind::kPut, key, value});
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t family,
                           const rocksdb::Slice& key) override {
    entries_.push_back({family, Kind::kDelete, key, rocksdb::Slice()});
    return rocksdb::Status::OK();
  }
  rocksdb::Status MergeCF(uint32_t family, const rocksdb::Slice& key,
                          const rocksdb::Slice& value) override {
    entries_.push_back({family, Kind::kMerge, key, value});
    return rocksdb::Status::OK();
  }
  // Everything else (single deletes, range deletes, blobs, log data,
  // two-phase commit markers) the hub never writes in a group: decline it,
  // and the batch is written unsorted.
  rocksdb::Status SingleDeleteCF(uint32_t, const rocksdb::Slice&) override {
    return Unsupported();
  }
  rocksdb::Status DeleteRangeCF(uint32_t, const rocksdb::Slice&,
                                const rocksdb::Slice&) override {
    return Unsupported();
  }
  rocksdb::Status PutBlobIndexCF(uint32_t, const rocksdb::Slice&,
                                 const rocksdb::Slice&) override {
    return Unsupported();
  }
  void LogData(const rocksdb::Slice&) override { unsupported_ = true; }
  rocksdb::Status MarkBeginPrepare(bool) override { return Unsupported(); }
  rocksdb::Status MarkEndPrepare(const rocksdb::Slice&) override {
    return Unsupported();
  }
  rocksdb::Status MarkCommit(const rocksdb::Slice&) override {
    return Unsupported();
  }
  rocksdb::Status MarkRollback(const rocksdb::Slice&) override {
    return Unsupported();
  }
  rocksdb::Status MarkNoop(bool) override { return Unsupported(); }

  std::vector<Entry>& entries() { return entries_; }
  bool unsupported() const { return unsupported_; }

 private:
  rocksdb::Status Unsupported() {
    unsupported_ = true;
    return rocksdb::Status::NotSupported("not sorted");
  }

  std::vector<Entry> entries_;
  bool unsupported_ = false;
};

}  // namespace

std::optional<rocksdb::WriteBatch> InKeyOrder(const rocksdb::WriteBatch& batch,
                                              const ColumnFamilies& families) {
  // The batch names families by id; writing names them by handle.
  absl::flat_hash_map<uint32_t, rocksdb::ColumnFamilyHandle*> handles;
  for (rocksdb::ColumnFamilyHandle* handle : families.All()) {
    handles.emplace(handle->GetID(), handle);
  }
  EntryCollector collector;
  collector.entries().reserve(batch.Count());
  const rocksdb::Status read = batch.Iterate(&collector);
  if (!read.ok() || collector.unsupported()) return std::nullopt;
  std::vector<EntryCollector::Entry>& entries = collector.entries();
  std::stable_sort(
      entries.begin(), entries.end(),
      [](const EntryCollector::Entry& a, const EntryCollector::Entry& b) {
        if (a.family != b.family) return a.family < b.family;
        return a.key.compare(b.key) < 0;
      });
  rocksdb::WriteBatch sorted(batch.GetDataSize());
  for (const EntryCollector::Entry& entry : entries) {
    const auto handle = handles.find(entry.family);
    if (handle == handles.end()) return std::nullopt;
    rocksdb::Status status;
    switch (entry.kind) {
      case EntryCollector::Kind::kPut:
        status = sorted.Put(handle->second, entry.key, entry.value);
        break;
      case EntryCollector::Kind::kDelete:
        status = sorted.Delete(handle->second, entry.key);
        break;
      case EntryCollector::Kind::kMerge:
        status = sorted.Merge(handle->second, entry.key, entry.value);
        break;
    }
    if (!status.ok()) return std::nullopt;
  }
  return sorted;
}

}  // namespace sx::storage
