#include "storage/derived_rebuild.h"

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "rocksdb/write_batch.h"
#include "storage/keys.h"
#include "storage/rocksdb_status.h"
#include "storage/slices.h"
#include "sx/base/status_macros.h"

namespace sx::storage {
namespace {

namespace v1 = ::supervision::v1;

// Referrals whose watch-list entries go into one write.
constexpr size_t kReferralsPerRound = 10000;

absl::Status Write(rocksdb::DB& db, rocksdb::WriteBatch& batch, bool sync) {
  rocksdb::WriteOptions options;
  options.sync = sync;
  SX_RETURN_IF_ERROR(
      FromRocksDb(db.Write(options, &batch), "write derived entries"));
  batch.Clear();
  return absl::OkStatus();
}

// The first key after every key that starts with `prefix`.
std::string PrefixEnd(std::string prefix) {
  ++prefix.back();
  return prefix;
}

}  // namespace

absl::Status RederiveIfStale(rocksdb::DB& db, const ColumnFamilies& cfs,
                             const ReferralDeriver& deriver) {
  if (!deriver.derive) return absl::OkStatus();
  std::string stored;
  rocksdb::Status status = db.Get(rocksdb::ReadOptions(), cfs.meta,
                                  keys::kDerivedVersionKey, &stored);
  if (status.ok() && stored == deriver.version) return absl::OkStatus();
  if (!status.ok() && !status.IsNotFound()) {
    return FromRocksDb(status, "read derived version");
  }

  rocksdb::WriteBatch batch;
  const std::string counters_from = kDerivedCounterPrefix;
  SX_RETURN_IF_ERROR(FromRocksDb(
      batch.DeleteRange(cfs.counters, counters_from, PrefixEnd(counters_from)),
      "clear derived counters"));
  {
    // Short: it holds the open matters being watched, not the history.
    std::unique_ptr<rocksdb::Iterator> watched(
        db.NewIterator(rocksdb::ReadOptions(), cfs.watch_list));
    for (watched->SeekToFirst(); watched->Valid(); watched->Next()) {
      SX_RETURN_IF_ERROR(FromRocksDb(
          batch.Delete(cfs.watch_list, watched->key()), "clear watch list"));
    }
    SX_RETURN_IF_ERROR(FromRocksDb(watched->status(), "read watch list"));
  }
  // Index keys are strings of printable characters and separators: below
  // "\xff" all.
  SX_RETURN_IF_ERROR(
      FromRocksDb(batch.DeleteRange(cfs.referral_index, "", "\xff"),
                  "clear referral index"));
  SX_RETURN_IF_ERROR(Write(db, batch, /*sync=*/false));

  std::map<std::string, uint64_t> counts;
  size_t in_round = 0;
  std::unique_ptr<rocksdb::Iterator> it(
      db.NewIterator(rocksdb::ReadOptions(), cfs.referrals));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::Referral referral;
    if (!referral.ParseFromArray(it->value().data(),
                                 static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat(
          "storage: referral ", ToView(it->key()), " does not parse"));
    }
    const DerivedEntries entries = deriver.derive(referral);
    for (const std::string& key : entries.counters) ++counts[key];
    for (const auto& [key, value] : entries.watched) {
      SX_RETURN_IF_ERROR(
          FromRocksDb(batch.Put(cfs.watch_list, key, value), "watch"));
    }
    for (const std::string& key : entries.indexed) {
      SX_RETURN_IF_ERROR(
          FromRocksDb(batch.Put(cfs.referral_index, key, ""), "index"));
    }
    if (++in_round == kReferralsPerRound) {
      SX_RETURN_IF_ERROR(Write(db, batch, /*sync=*/false));
      in_round = 0;
    }
  }
  SX_RETURN_IF_ERROR(FromRocksDb(it->status(), "read referrals"));
  for (const auto& [key, count] : counts) {
    SX_RETURN_IF_ERROR(FromRocksDb(
        batch.Put(cfs.counters, key, keys::EncodeUint64(count)), "count"));
  }
  SX_RETURN_IF_ERROR(FromRocksDb(
      batch.Put(cfs.meta, keys::kDerivedVersionKey, deriver.version),
      "record derived version"));
  return Write(db, batch, /*sync=*/true);
}

}  // namespace sx::storage
