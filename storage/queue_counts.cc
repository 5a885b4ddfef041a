#include "storage/queue_counts.h"

#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "rocksdb/write_batch.h"
#include "storage/keys.h"
#include "storage/rocksdb_status.h"
#include "storage/slices.h"
#include "sx/base/status_macros.h"

namespace sx::storage {
namespace {

// The agency of an inbox or dead-letter key: <agency> \0 <be64 sequence>.
absl::string_view AgencyOf(absl::string_view key) {
  return key.substr(0, key.find('\0'));
}

absl::Status CountFamily(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family,
                         std::string (*key_of)(absl::string_view),
                         std::map<std::string, uint64_t>& counts) {
  std::unique_ptr<rocksdb::Iterator> it(
      db.NewIterator(rocksdb::ReadOptions(), family));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++counts[key_of(AgencyOf(ToView(it->key())))];
  }
  return FromRocksDb(it->status(), "count inbox entries");
}

}  // namespace

std::string InboxDepthKey(absl::string_view agency_id) {
  return absl::StrCat("q/inbox/", agency_id);
}

std::string DeadLetterCountKey(absl::string_view agency_id) {
  return absl::StrCat("q/dead/", agency_id);
}

absl::Status CountQueuesIfUncounted(rocksdb::DB& db,
                                    const ColumnFamilies& cfs) {
  std::string counted;
  rocksdb::Status status = db.Get(rocksdb::ReadOptions(), cfs.meta,
                                  keys::kQueuesCountedKey, &counted);
  if (status.ok()) return absl::OkStatus();
  if (!status.IsNotFound()) return FromRocksDb(status, "read queue counts");
  // What is waiting, not the history: acknowledged entries are deleted.
  std::map<std::string, uint64_t> counts;
  SX_RETURN_IF_ERROR(CountFamily(db, cfs.inbox, &InboxDepthKey, counts));
  SX_RETURN_IF_ERROR(
      CountFamily(db, cfs.dead_letters, &DeadLetterCountKey, counts));
  rocksdb::WriteBatch batch;
  for (const auto& [key, count] : counts) {
    SX_RETURN_IF_ERROR(FromRocksDb(
        batch.Put(cfs.counters, key, keys::EncodeUint64(count)), "count"));
  }
  SX_RETURN_IF_ERROR(FromRocksDb(
      batch.Put(cfs.meta, keys::kQueuesCountedKey, "1"), "record counts"));
  rocksdb::WriteOptions options;
  options.sync = true;
  return FromRocksDb(db.Write(options, &batch), "write queue counts");
}

}  // namespace sx::storage
