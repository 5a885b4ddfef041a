#include "storage/event_query.h"

#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "storage/rocksdb_status.h"
#include "storage/slices.h"
#include "supervision/v1/records.pb.h"
#include "sx/base/status_macros.h"

namespace sx::storage {
namespace {

namespace v1 = ::supervision::v1;

constexpr uint64_t kLastPossible = std::numeric_limits<uint64_t>::max();

// Sequences first..last, inclusive.
struct SequenceRange {
  uint64_t first = 1;
  uint64_t last = kLastPossible;
};

bool TimeBounded(const EventFilter& filter) {
  return filter.time_from != absl::InfinitePast() ||
         filter.time_to != absl::InfiniteFuture();
}

// Index keys end in the be64 event sequence.
absl::StatusOr<uint64_t> SequenceAtEnd(absl::string_view key) {
  uint64_t sequence = 0;
  if (key.size() < 8 ||
      !keys::DecodeUint64(key.substr(key.size() - 8), &sequence)) {
    return absl::DataLossError("storage: malformed event index key");
  }
  return sequence;
}

absl::StatusOr<bool> Exists(rocksdb::DB& db, const rocksdb::ReadOptions& read,
                            rocksdb::ColumnFamilyHandle* family,
                            const std::string& key) {
  std::string value;
  const rocksdb::Status status = db.Get(read, family, key, &value);
  if (status.IsNotFound()) return false;
  SX_RETURN_IF_ERROR(FromRocksDb(status, "read event index"));
  return true;
}

// The events whose times lie in the filter's range, or nullopt if none do:
// from the first event at or after time_from to the last at or before
// time_to. Valid only because event times never go back.
absl::StatusOr<std::optional<SequenceRange>> SequencesInTime(
    rocksdb::DB& db, const rocksdb::ReadOptions& read,
    const ColumnFamilies& cfs, const EventFilter& filter) {
  const std::string time_prefix =
      keys::EventIndexPrefix(keys::EventIndex::kByTime, "");
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(read, cfs.event_index));
  SequenceRange range;
  if (filter.time_from != absl::InfinitePast()) {
    it->Seek(keys::EventTimeKey(filter.time_from));
    if (!it->Valid() || !absl::StartsWith(ToView(it->key()), time_prefix)) {
      SX_RETURN_IF_ERROR(FromRocksDb(it->status(), "query event times"));
      return std::nullopt;
    }
    SX_ASSIGN_OR_RETURN(range.first, SequenceAtEnd(ToView(it->key())));
  }
  if (filter.time_to != absl::InfiniteFuture()) {
    // Every key of a time up to time_to sorts before this one.
    it->SeekForPrev(keys::EventTimeKey(filter.time_to + absl::Nanoseconds(1)));
    if (!it->Valid() || !absl::StartsWith(ToView(it->key()), time_prefix)) {
      SX_RETURN_IF_ERROR(FromRocksDb(it->status(), "query event times"));
      return std::nullopt;
    }
    SX_ASSIGN_OR_RETURN(range.last, SequenceAtEnd(ToView(it->key())));
  }
  if (range.first > range.last) return std::nullopt;
  return range;
}

absl::StatusOr<bool> TimeWentBack(rocksdb::DB& db,
                                  const rocksdb::ReadOptions& read,
                                  const ColumnFamilies& cfs) {
  return Exists(db, read, cfs.meta, keys::kEventTimeWentBackKey);
}

// The checks an event found in the walked index still has to pass.
struct Checks {
  std::string agency_prefix;  // its agency index entry must exist
  std::string type_prefix;    // its type index entry must exist
  bool time = false;          // its own time must lie in the range
};

absl::StatusOr<bool> Passes(rocksdb::DB& db, const rocksdb::ReadOptions& read,
                            const ColumnFamilies& cfs, const Checks& checks,
                            const EventFilter& filter, uint64_t sequence) {
  const std::string encoded = keys::EncodeUint64(sequence);
  for (const std::string* prefix :
       {&checks.agency_prefix, &checks.type_prefix}) {
    if (prefix->empty()) continue;
    SX_ASSIGN_OR_RETURN(bool found, Exists(db, read, cfs.event_index,
                                           absl::StrCat(*prefix, encoded)));
    if (!found) return false;
  }
  if (!checks.time) return true;
  std::string bytes;
  SX_RETURN_IF_ERROR(FromRocksDb(db.Get(read, cfs.events, encoded, &bytes),
                                 absl::StrCat("read event ", sequence)));
  v1::Event event;
  if (!event.ParseFromString(bytes)) {
    return absl::DataLossError(
        absl::StrCat("storage: event ", sequence, " is unreadable"));
  }
  const absl::Time time = absl::FromUnixSeconds(event.time().seconds()) +
                          absl::Nanoseconds(event.time().nanos());
  return time >= filter.time_from && time <= filter.time_to;
}

}  // namespace

absl::StatusOr<std::vector<uint64_t>> QueryEventSequences(
    rocksdb::DB& db, const rocksdb::ReadOptions& read,
    const ColumnFamilies& cfs, const EventFilter& filter,
    uint64_t after_sequence, size_t limit) {
  std::vector<uint64_t> sequences;
  if (after_sequence == kLastPossible || limit == 0) return sequences;
  SequenceRange range;
  Checks checks;
  if (TimeBounded(filter)) {
    SX_ASSIGN_OR_RETURN(const bool went_back, TimeWentBack(db, read, cfs));
    if (went_back) {
      // Written by a release that let times go back: check each event.
      checks.time = true;
    } else {
      SX_ASSIGN_OR_RETURN(std::optional<SequenceRange> in_time,
                          SequencesInTime(db, read, cfs, filter));
      if (!in_time.has_value()) return sequences;
      range = *in_time;
    }
  }
  range.first = std::max(range.first, after_sequence + 1);

  const uint64_t type = static_cast<uint64_t>(filter.type);
  rocksdb::ColumnFamilyHandle* family = cfs.event_index;
  std::string prefix;
  if (!filter.referral_id.empty()) {
    prefix = keys::EventIndexPrefix(keys::EventIndex::kByReferral,
                                    filter.referral_id);
    if (!filter.agency_id.empty()) {
      checks.agency_prefix =
          keys::EventIndexPrefix(keys::EventIndex::kByAgency, filter.agency_id);
    }
    if (type != 0) checks.type_prefix = keys::EventTypeIndexPrefix(type);
  } else if (!filter.agency_id.empty() && type != 0) {
    prefix = keys::EventAgencyTypeIndexPrefix(filter.agency_id, type);
  } else if (!filter.agency_id.empty()) {
    prefix =
        keys::EventIndexPrefix(keys::EventIndex::kByAgency, filter.agency_id);
  } else if (type != 0) {
    prefix = keys::EventTypeIndexPrefix(type);
  } else {
    family = cfs.events;  // every event, keyed by its sequence alone
  }

  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(read, family));
  for (it->Seek(absl::StrCat(prefix, keys::EncodeUint64(range.first)));
       it->Valid() && sequences.size() < limit; it->Next()) {
    const absl::string_view key = ToView(it->key());
    if (!absl::StartsWith(key, prefix)) break;
    if (key.size() != prefix.size() + 8) {
      return absl::DataLossError("storage: malformed event index key");
    }
    SX_ASSIGN_OR_RETURN(const uint64_t sequence, SequenceAtEnd(key));
    if (sequence > range.last) break;
    SX_ASSIGN_OR_RETURN(const bool passes,
                        Passes(db, read, cfs, checks, filter, sequence));
    if (passes) sequences.push_back(sequence);
  }
  SX_RETURN_IF_ERROR(FromRocksDb(it->status(), "query event index"));
  return sequences;
}

}  // namespace sx::storage
