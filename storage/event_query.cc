#include "storage/event_query.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/event_time.h"
#include "storage/keys.h"
#include "storage/rocksdb_status.h"
#include "storage/slices.h"
#include "supervision/v1/records.pb.h"
#include "supervision/v1/referral.pb.h"
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
  if (!keys::DecodeSequenceAtEnd(key, &sequence)) {
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
  // Its agency-and-type entry under this agency must exist.
  std::string agency;
  // Its type index entry must exist.
  std::string type_prefix;
  // Its own time must lie in the range.
  bool time = false;
};

absl::StatusOr<v1::Event> ReadEvent(rocksdb::DB& db,
                                    const rocksdb::ReadOptions& read,
                                    const ColumnFamilies& cfs,
                                    const std::string& encoded_sequence) {
  std::string bytes;
  SX_RETURN_IF_ERROR(
      FromRocksDb(db.Get(read, cfs.events, encoded_sequence, &bytes),
                  "read an indexed event"));
  v1::Event event;
  if (!event.ParseFromString(bytes)) {
    return absl::DataLossError("storage: an indexed event is unreadable");
  }
  return event;
}

absl::StatusOr<bool> Passes(rocksdb::DB& db, const rocksdb::ReadOptions& read,
                            const ColumnFamilies& cfs, const Checks& checks,
                            const EventFilter& filter, uint64_t sequence) {
  const std::string encoded = keys::EncodeUint64(sequence);
  if (!checks.type_prefix.empty()) {
    SX_ASSIGN_OR_RETURN(bool found,
                        Exists(db, read, cfs.event_index,
                               absl::StrCat(checks.type_prefix, encoded)));
    if (!found) return false;
  }
  // The event itself, when its type or time is needed.
  std::optional<v1::Event> event;
  if (checks.time || (!checks.agency.empty() && filter.type == 0)) {
    SX_ASSIGN_OR_RETURN(event, ReadEvent(db, read, cfs, encoded));
  }
  if (!checks.agency.empty()) {
    const uint64_t type = static_cast<uint64_t>(
        filter.type != 0 ? filter.type : static_cast<int>(event->type()));
    SX_ASSIGN_OR_RETURN(bool found,
                        Exists(db, read, cfs.event_index,
                               absl::StrCat(keys::EventAgencyTypeIndexPrefix(
                                                checks.agency, type),
                                            encoded)));
    if (!found) return false;
  }
  if (!checks.time) return true;
  const absl::Time time = EventTime(*event);
  return time >= filter.time_from && time <= filter.time_to;
}

// One stretch of keys, each ending in an ascending sequence, being walked.
struct Cursor {
  std::unique_ptr<rocksdb::Iterator> it;
  std::string prefix;
  uint64_t sequence = 0;  // of the key it is at
};

// Whether `cursor` is at a key of its stretch within `range` (and reads its
// sequence); false once the stretch is done.
absl::StatusOr<bool> Settle(Cursor& cursor, const SequenceRange& range) {
  if (!cursor.it->Valid()) {
    SX_RETURN_IF_ERROR(FromRocksDb(cursor.it->status(), "query event index"));
    return false;
  }
  const absl::string_view key = ToView(cursor.it->key());
  if (!absl::StartsWith(key, cursor.prefix)) return false;
  if (key.size() != cursor.prefix.size() + 8) {
    return absl::DataLossError("storage: malformed event index key");
  }
  SX_ASSIGN_OR_RETURN(cursor.sequence, SequenceAtEnd(key));
  return cursor.sequence <= range.last;
}

// Where an agency's events are: its agency-and-type stretch of every type,
// walked together. As many stretches as there are event types, whatever
// the history.
std::vector<std::string> AgencyPrefixes(const std::string& agency_id) {
  std::vector<std::string> prefixes;
  const auto* types = v1::EventType_descriptor();
  for (int i = 0; i < types->value_count(); ++i) {
    const int type = types->value(i)->number();
    if (type == v1::EVENT_TYPE_UNSPECIFIED) continue;
    prefixes.push_back(keys::EventAgencyTypeIndexPrefix(
        agency_id, static_cast<uint64_t>(type)));
  }
  return prefixes;
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

  // The narrowest stretches of the index the filter allows.
  const uint64_t type = static_cast<uint64_t>(filter.type);
  rocksdb::ColumnFamilyHandle* family = cfs.event_index;
  std::vector<std::string> prefixes;
  if (!filter.referral_id.empty()) {
    prefixes = {keys::EventIndexPrefix(keys::EventIndex::kByReferral,
                                       filter.referral_id)};
    checks.agency = filter.agency_id;
    if (type != 0) checks.type_prefix = keys::EventTypeIndexPrefix(type);
  } else if (!filter.agency_id.empty() && type != 0) {
    prefixes = {keys::EventAgencyTypeIndexPrefix(filter.agency_id, type)};
  } else if (!filter.agency_id.empty()) {
    prefixes = AgencyPrefixes(filter.agency_id);
  } else if (type != 0) {
    prefixes = {keys::EventTypeIndexPrefix(type)};
  } else {
    family = cfs.events;  // every event, keyed by its sequence alone
    prefixes = {""};
  }

  std::vector<Cursor> cursors;
  for (std::string& prefix : prefixes) {
    Cursor cursor{
        std::unique_ptr<rocksdb::Iterator>(db.NewIterator(read, family)),
        std::move(prefix)};
    cursor.it->Seek(
        absl::StrCat(cursor.prefix, keys::EncodeUint64(range.first)));
    SX_ASSIGN_OR_RETURN(const bool in_range, Settle(cursor, range));
    if (in_range) cursors.push_back(std::move(cursor));
  }
  // In sequence order across the stretches: an event is in one of them.
  while (!cursors.empty() && sequences.size() < limit) {
    auto lowest = std::min_element(cursors.begin(), cursors.end(),
                                   [](const Cursor& a, const Cursor& b) {
                                     return a.sequence < b.sequence;
                                   });
    SX_ASSIGN_OR_RETURN(const bool passes, Passes(db, read, cfs, checks, filter,
                                                  lowest->sequence));
    if (passes) sequences.push_back(lowest->sequence);
    lowest->it->Next();
    SX_ASSIGN_OR_RETURN(const bool more, Settle(*lowest, range));
    if (!more) cursors.erase(lowest);
  }
  return sequences;
}

}  // namespace sx::storage
