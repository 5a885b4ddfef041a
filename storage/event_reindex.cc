#include "storage/event_reindex.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/write_batch.h"
#include "storage/event_time.h"
#include "storage/keys.h"
#include "storage/rocksdb_status.h"
#include "storage/slices.h"
#include "supervision/v1/records.pb.h"
#include "sx/base/status_macros.h"

namespace sx::storage {
namespace {

namespace v1 = ::supervision::v1;

constexpr char kRule[] = "2";
constexpr int kEntriesPerWrite = 10000;

// What the agency-and-type index needs of every event: its type, by
// sequence (events are numbered from 1 without gaps). Also finds the last
// event whose time is before its predecessor's (0: none).
struct EventTypes {
  std::vector<uint32_t> by_sequence;
  uint64_t time_went_back = 0;
};

absl::StatusOr<EventTypes> ReadEventTypes(rocksdb::DB& db,
                                          const ColumnFamilies& cfs) {
  EventTypes types;
  absl::Time latest = absl::InfinitePast();
  std::unique_ptr<rocksdb::Iterator> it(
      db.NewIterator(rocksdb::ReadOptions(), cfs.events));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    uint64_t sequence = 0;
    v1::Event event;
    if (!keys::DecodeUint64(ToView(it->key()), &sequence) ||
        sequence != types.by_sequence.size() + 1 ||
        !event.ParseFromArray(it->value().data(),
                              static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat(
          "storage: event ", types.by_sequence.size() + 1,
          " is missing or unreadable; restore the data directory from a "
          "backup"));
    }
    types.by_sequence.push_back(static_cast<uint32_t>(event.type()));
    const absl::Time time = EventTime(event);
    if (time < latest) types.time_went_back = sequence;
    latest = std::max(latest, time);
  }
  SX_RETURN_IF_ERROR(FromRocksDb(it->status(), "read events to index"));
  return types;
}

absl::Status Write(rocksdb::DB& db, rocksdb::WriteBatch& batch, bool sync) {
  rocksdb::WriteOptions options;
  options.sync = sync;
  SX_RETURN_IF_ERROR(FromRocksDb(db.Write(options, &batch), "index events"));
  batch.Clear();
  return absl::OkStatus();
}

// An agency-and-type entry in place of every agency entry ('A' <agency> \0
// <seq>).
absl::Status IndexByAgencyAndType(rocksdb::DB& db, const ColumnFamilies& cfs,
                                  const EventTypes& types,
                                  rocksdb::WriteBatch& batch) {
  const std::string prefix = "A";
  std::unique_ptr<rocksdb::Iterator> it(
      db.NewIterator(rocksdb::ReadOptions(), cfs.event_index));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    if (!absl::StartsWith(key, prefix)) break;
    uint64_t sequence = 0;
    if (key.size() < prefix.size() + 9 || key[key.size() - 9] != '\0' ||
        !keys::DecodeSequenceAtEnd(key, &sequence) || sequence == 0 ||
        sequence > types.by_sequence.size()) {
      return absl::DataLossError(
          "storage: malformed agency entry in the event index; restore the "
          "data directory from a backup");
    }
    const absl::string_view agency =
        key.substr(prefix.size(), key.size() - 9 - prefix.size());
    // Replaced: read as an agency-and-type entry from now on. (One delete
    // per key, not a range: RocksDB 7.8 shares the family's memtable
    // insert hints between point and range entries, and a range deletion
    // after hinted inserts of the same prefix trips over them.)
    SX_RETURN_IF_ERROR(
        FromRocksDb(batch.Delete(cfs.event_index, it->key()), "index events"));
    SX_RETURN_IF_ERROR(FromRocksDb(
        batch.Put(cfs.event_index,
                  absl::StrCat(keys::EventAgencyTypeIndexPrefix(
                                   agency, types.by_sequence[sequence - 1]),
                               key.substr(key.size() - 8)),
                  ""),
        "index events"));
    if (batch.Count() >= kEntriesPerWrite) {
      SX_RETURN_IF_ERROR(Write(db, batch, /*sync=*/false));
    }
  }
  return FromRocksDb(it->status(), "read the agency index");
}

}  // namespace

absl::Status ReindexEventsIfStale(rocksdb::DB& db, const ColumnFamilies& cfs) {
  std::string rule;
  const rocksdb::Status status =
      db.Get(rocksdb::ReadOptions(), cfs.meta, keys::kEventIndexRuleKey, &rule);
  if (status.ok() && rule == kRule) return absl::OkStatus();
  if (!status.ok() && !status.IsNotFound()) {
    return FromRocksDb(status, "read the event index rule");
  }
  SX_ASSIGN_OR_RETURN(const EventTypes types, ReadEventTypes(db, cfs));
  rocksdb::WriteBatch batch;
  SX_RETURN_IF_ERROR(IndexByAgencyAndType(db, cfs, types, batch));
  if (types.time_went_back != 0) {
    SX_RETURN_IF_ERROR(
        FromRocksDb(batch.Put(cfs.meta, keys::kEventTimeWentBackKey,
                              keys::EncodeUint64(types.time_went_back)),
                    "index events"));
  }
  SX_RETURN_IF_ERROR(FromRocksDb(
      batch.Put(cfs.meta, keys::kEventIndexRuleKey, kRule), "index events"));
  // Fsynced: the rule is recorded only with every entry before it durable.
  return Write(db, batch, /*sync=*/true);
}

}  // namespace sx::storage
