// Which backend a test's stores and hubs use: RocksDB, or PostgreSQL when
// the test runs with SX_TEST_STORAGE=postgres (sx_cc_test's ON_POSTGRES
// registers each case a second time so). One suite, both backends.
#pragma once

#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "sx/storage/postgres_store.h"
#include "sx/storage/store.h"
#include "tests/support/test_postgres.h"

namespace sx::testing {

inline bool TestsRunOnPostgres() {
  const char* storage = std::getenv("SX_TEST_STORAGE");
  return storage != nullptr && std::string(storage) == "postgres";
}

// The database that stands for the data directory `path` in this process:
// a new one the first time, the same one when the test reopens the path.
inline std::string PostgresDatabaseFor(const std::string& path) {
  static absl::Mutex mu(absl::kConstInit);
  static auto* databases = new std::map<std::string, std::string>();
  absl::MutexLock lock(&mu);
  auto [it, added] = databases->emplace(path, "");
  if (added) it->second = TestPostgres::Shared().NewDatabase();
  return it->second;
}

// `rocksdb` as it is, or the same store on PostgreSQL.
inline absl::StatusOr<std::unique_ptr<storage::Store>> OpenTestBackend(
    const storage::RocksDbStoreOptions& rocksdb) {
  if (!TestsRunOnPostgres()) return storage::OpenRocksDbStore(rocksdb);
  storage::PostgresStoreOptions options;
  options.conninfo = PostgresDatabaseFor(rocksdb.path);
  options.id_prefix = rocksdb.id_prefix;
  options.log_hash = rocksdb.log_hash;
  options.referral_deriver = rocksdb.referral_deriver;
  options.on_damage = rocksdb.on_damage;
  return storage::OpenPostgresStore(options);
}

// The config text that makes a hub keep its data in a new PostgreSQL
// database, appended to the example config.
inline std::string PostgresStorageConfig() {
  return "\nstorage { postgres { conninfo: \"" +
         TestPostgres::Shared().NewDatabase() + "\" } }\n";
}

}  // namespace sx::testing
