// Opening a RocksDB data directory the way the hub does: every column family
// with its options, the backup mark, the log hash and format version, and the
// one-time upgrades of an older directory (derived entries, queue counts,
// event indexes). The store opens its directory here, and so do the tools
// that read or fill a directory whole (rocksdb_dump.cc).
#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "storage/column_families.h"
#include "storage/damage_record.h"
#include "sx/storage/store.h"
#include "sx/transparency/merkle_hasher.h"

namespace sx::storage {

// An open database and its column family handles; destroying it destroys
// the handles and closes the database. Thread-safe as rocksdb::DB is.
class OpenRocksDb {
 public:
  OpenRocksDb(std::unique_ptr<rocksdb::DB> db,
              std::vector<rocksdb::ColumnFamilyHandle*> handles);
  ~OpenRocksDb();
  OpenRocksDb(const OpenRocksDb&) = delete;
  OpenRocksDb& operator=(const OpenRocksDb&) = delete;

  rocksdb::DB& db() const { return *db_; }
  const ColumnFamilies& cfs() const { return cfs_; }
  const std::vector<rocksdb::ColumnFamilyHandle*>& handles() const {
    return handles_;
  }

 private:
  const std::unique_ptr<rocksdb::DB> db_;
  const std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  const ColumnFamilies cfs_;
};

struct OpenedDataDirectory {
  std::unique_ptr<OpenRocksDb> database;
  transparency::MerkleHasher hasher;
  // Damage met by reads, flushes and compactions (options.on_damage hears
  // of the first).
  std::shared_ptr<DamageRecord> damage;
  // The options as given, with the id prefix of the database's generation.
  RocksDbStoreOptions options;
};

// Opens (or creates, mode 0700) options.path as OpenRocksDbStore does,
// without starting the store's threads.
absl::StatusOr<OpenedDataDirectory> OpenDataDirectory(
    const RocksDbStoreOptions& options);

}  // namespace sx::storage
