// The writes of one commit group, readable before they reach the database:
// a plain RocksDB WriteBatch plus a hash map of the latest value of every
// key the group wrote, so that a transaction body sees its own writes and
// those of earlier bodies in the group. Cheaper than WriteBatchWithIndex,
// which keeps a skip list of every entry: bodies only ever look up single
// keys, never scan, so a hash map does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace sx::storage {

// Not thread-safe: the pipeline's writer thread owns it.
class GroupBatch {
 public:
  GroupBatch() = default;
  GroupBatch(const GroupBatch&) = delete;
  GroupBatch& operator=(const GroupBatch&) = delete;

  absl::Status Put(rocksdb::ColumnFamilyHandle* cf, absl::string_view key,
                   absl::string_view value);
  absl::Status Delete(rocksdb::ColumnFamilyHandle* cf, absl::string_view key);
  // A merge operand for `key` (the counters' family). Not visible to Get:
  // nothing reads a counter inside a transaction.
  absl::Status Merge(rocksdb::ColumnFamilyHandle* cf, absl::string_view key,
                     absl::string_view operand);
  // The group's latest value of `key`, else the database's; nullopt if
  // neither has it (or the group deleted it).
  absl::StatusOr<std::optional<std::string>> Get(
      rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, absl::string_view key);

  // One level of save point, around each transaction body.
  void SetSavePoint();
  // Forgets the save point, keeping the writes since.
  absl::Status PopSavePoint();
  // Undoes every write since the save point.
  absl::Status RollbackToSavePoint();

  rocksdb::WriteBatch& write_batch() { return batch_; }

 private:
  // The value a key had in the group before a write since the save point:
  // nullopt if the group had not written it.
  struct Undo {
    std::string overlay_key;
    std::optional<std::optional<std::string>> previous;
  };
  void Remember(const std::string& overlay_key);
  static std::string OverlayKey(rocksdb::ColumnFamilyHandle* cf,
                                absl::string_view key);

  rocksdb::WriteBatch batch_;
  // Column family id + key → latest value in the group (nullopt: deleted).
  absl::flat_hash_map<std::string, std::optional<std::string>> overlay_;
  std::vector<Undo> undo_;
  bool has_save_point_ = false;
};

}  // namespace sx::storage
