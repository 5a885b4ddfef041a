// The RocksDB side of store_dump.h: a data directory read as dump records
// (one snapshot), and dump records written into a new data directory, with
// what the store derives from them (event indexes, the log's nodes, the
// chain head, the distributions' sender index) built as AppendEvent and
// PutDistribution build it.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/dump_transfer.h"
#include "storage/event_time.h"
#include "storage/keys.h"
#include "storage/rocksdb_open.h"
#include "storage/rocksdb_status.h"
#include "storage/slices.h"
#include "storage/stored_records.h"
#include "supervision/v1/records.pb.h"
#include "sx/base/status_macros.h"
#include "sx/storage/backup_marker.h"
#include "sx/storage/store_dump.h"

namespace sx::storage {
namespace {

namespace v1 = ::supervision::v1;

constexpr char kBackend[] = "rocksdb";
constexpr char kInboxSequencePrefix[] = "inbox_seq/";
constexpr char kSigningCertificatePrefix[] = "signing_certificate/";
// Events whose agencies are gathered at a time (see ReadEvents).
constexpr uint64_t kEventsPerWindow = 50000;
// A load writes this many bytes per batch, unsynced until the last.
constexpr size_t kBatchBytes = 4 << 20;

// The meta keys that are the store's own bookkeeping, made again by the
// loading side (the open of a new directory, or the load from the events).
bool IsRebuiltMetaKey(absl::string_view key) {
  return key == keys::kFormatVersionKey || key == keys::kLogHashKey ||
         key == keys::kEventHeadKey || key == keys::kEventIndexRuleKey ||
         key == keys::kEventTimeWentBackKey || key == keys::kQueuesCountedKey;
}

// `key` cut at its first NUL: <first> \0 <rest>; false if it has none.
bool SplitAtNul(absl::string_view key, absl::string_view* first,
                absl::string_view* rest) {
  const size_t zero = key.find('\0');
  if (zero == absl::string_view::npos) return false;
  *first = key.substr(0, zero);
  *rest = key.substr(zero + 1);
  return true;
}

absl::Status Malformed(absl::string_view family) {
  return absl::DataLossError(
      absl::StrCat("storage: a key of the ", family,
                   " family is malformed; the data directory is damaged (see "
                   "deploy/README.md, \"Damaged storage\")"));
}

// Reads one snapshot of an open data directory. Not thread-safe.
class RocksDbDumpSource final : public DumpSource {
 public:
  explicit RocksDbDumpSource(const OpenRocksDb& database)
      : db_(database.db()), cfs_(database.cfs()), snapshot_(db_.GetSnapshot()) {
    read_.snapshot = snapshot_;
  }
  ~RocksDbDumpSource() override { db_.ReleaseSnapshot(snapshot_); }

  std::string backend() const override { return kBackend; }

  absl::StatusOr<StoredLog> Log() override {
    StoredLog log;
    SX_ASSIGN_OR_RETURN(std::optional<std::string> hash,
                        Get(cfs_.meta, keys::kLogHashKey));
    if (!hash.has_value()) {
      return absl::DataLossError("storage: the log hash is not recorded");
    }
    log.log_hash = *hash;
    SX_ASSIGN_OR_RETURN(std::optional<std::string> head,
                        Get(cfs_.meta, keys::kEventHeadKey));
    if (head.has_value() &&
        (head->size() < 8 ||
         !keys::DecodeUint64(absl::string_view(*head).substr(0, 8),
                             &log.checkpoint.event_count))) {
      return absl::DataLossError("storage: event chain head is malformed");
    }
    SX_ASSIGN_OR_RETURN(
        log.checkpoint.root_hash,
        StoredRoot(log.log_hash, log.checkpoint.event_count,
                   [this](uint64_t level, uint64_t index) {
                     return Get(cfs_.merkle, keys::MerkleNodeKey(level, index));
                   }));
    return log;
  }

  absl::Status Read(DumpKind kind, const EmitRecord& emit) override {
    switch (kind) {
      case DumpKind::kSettings:
        return ReadSettings(emit);
      case DumpKind::kSigningCertificates:
        return ReadSigningCertificates(emit);
      case DumpKind::kReferrals:
        return Scan(
            cfs_.referrals, "",
            [&](absl::string_view key, absl::string_view value) {
              v1::DumpRecord record;
              record.mutable_referral()->set_referral_id(std::string(key));
              record.mutable_referral()->set_record(std::string(value));
              return emit(record);
            });
      case DumpKind::kLeads:
        return Scan(cfs_.leads, "",
                    [&](absl::string_view key, absl::string_view value) {
                      v1::DumpRecord record;
                      record.mutable_lead()->set_referral_id(std::string(key));
                      record.mutable_lead()->set_record(std::string(value));
                      return emit(record);
                    });
      case DumpKind::kParties:
        return ReadParties(emit);
      case DumpKind::kRequests:
        return Scan(cfs_.requests, "",
                    [&](absl::string_view key, absl::string_view value) {
                      absl::string_view caller, request_id;
                      if (!SplitAtNul(key, &caller, &request_id)) {
                        return Malformed(keys::kRequests);
                      }
                      v1::DumpRecord record;
                      v1::DumpedRequest& request = *record.mutable_request();
                      request.set_caller(std::string(caller));
                      request.set_request_id(std::string(request_id));
                      request.set_record(std::string(value));
                      return emit(record);
                    });
      case DumpKind::kEvents:
        return ReadEvents(emit);
      case DumpKind::kInboxSequences:
        return Scan(cfs_.meta, kInboxSequencePrefix,
                    [&](absl::string_view key, absl::string_view value) {
                      v1::DumpRecord record;
                      v1::DumpedInboxSequence& sequence =
                          *record.mutable_inbox_sequence();
                      uint64_t last = 0;
                      if (!keys::DecodeUint64(value, &last)) {
                        return Malformed("inbox sequence");
                      }
                      sequence.set_agency_id(std::string(
                          key.substr(strlen(kInboxSequencePrefix))));
                      sequence.set_last_sequence(last);
                      return emit(record);
                    });
      case DumpKind::kInboxEntries:
        return ReadQueue(cfs_.inbox, keys::kInbox, emit);
      case DumpKind::kDeadLetters:
        return ReadQueue(cfs_.dead_letters, keys::kDeadLetters, emit);
      case DumpKind::kDeadlines:
        return Scan(
            cfs_.deadlines, "",
            [&](absl::string_view key, absl::string_view) -> absl::Status {
              SX_ASSIGN_OR_RETURN(v1::DumpRecord record, DeadlineRecord(key));
              return emit(record);
            });
      case DumpKind::kDistributions:
        return ReadDistributions(emit);
      case DumpKind::kRectificationItems:
        return Scan(
            cfs_.rectification_items, "",
            [&](absl::string_view key, absl::string_view value) {
              uint64_t number = 0;
              if (key.size() < 9 || key[key.size() - 9] != '\0' ||
                  !keys::DecodeSequenceAtEnd(key, &number) ||
                  number > UINT32_MAX) {
                return Malformed(keys::kRectificationItems);
              }
              v1::DumpRecord record;
              v1::DumpedRectificationItem& item =
                  *record.mutable_rectification_item();
              item.set_referral_id(std::string(key.substr(0, key.size() - 9)));
              item.set_number(static_cast<uint32_t>(number));
              item.set_record(std::string(value));
              return emit(record);
            });
      case DumpKind::kCounters:
        return Scan(
            cfs_.counters, "",
            [&](absl::string_view key, absl::string_view value) {
              uint64_t count = 0;
              if (!keys::DecodeUint64(value, &count)) {
                return absl::DataLossError("storage: a counter is malformed");
              }
              v1::DumpRecord record;
              record.mutable_counter()->set_key(std::string(key));
              record.mutable_counter()->set_value(static_cast<int64_t>(count));
              return emit(record);
            });
      case DumpKind::kWatchList:
        return Scan(
            cfs_.watch_list, "",
            [&](absl::string_view key, absl::string_view value) {
              v1::DumpRecord record;
              record.mutable_watch_entry()->set_key(std::string(key));
              record.mutable_watch_entry()->set_value(std::string(value));
              return emit(record);
            });
      case DumpKind::kReferralIndex:
        return Scan(
            cfs_.referral_index, "",
            [&](absl::string_view key, absl::string_view) {
              v1::DumpRecord record;
              record.mutable_referral_index()->set_key(std::string(key));
              return emit(record);
            });
    }
    return absl::InternalError("dump: unknown kind");
  }

 private:
  using Visit =
      std::function<absl::Status(absl::string_view, absl::string_view)>;

  absl::StatusOr<std::optional<std::string>> Get(
      rocksdb::ColumnFamilyHandle* family, absl::string_view key) {
    std::string value;
    const rocksdb::Status status = db_.Get(read_, family, ToSlice(key), &value);
    if (status.IsNotFound()) return std::nullopt;
    SX_RETURN_IF_ERROR(FromRocksDb(status, "read for the dump"));
    return value;
  }

  // Every entry of `family` whose key starts with `prefix`, in key order.
  absl::Status Scan(rocksdb::ColumnFamilyHandle* family,
                    absl::string_view prefix, const Visit& visit) {
    std::unique_ptr<rocksdb::Iterator> it(db_.NewIterator(read_, family));
    for (it->Seek(ToSlice(prefix));
         it->Valid() && absl::StartsWith(ToView(it->key()), prefix);
         it->Next()) {
      SX_RETURN_IF_ERROR(visit(ToView(it->key()), ToView(it->value())));
    }
    return FromRocksDb(it->status(), "read for the dump");
  }

  absl::Status ReadSettings(const EmitRecord& emit) {
    v1::DumpRecord record;
    SX_RETURN_IF_ERROR(Scan(
        cfs_.meta, "",
        [&](absl::string_view key, absl::string_view value) -> absl::Status {
          SX_ASSIGN_OR_RETURN(
              bool dumped, AddSetting(key, value, *record.mutable_settings()));
          if (dumped || IsRebuiltMetaKey(key) ||
              absl::StartsWith(key, kInboxSequencePrefix) ||
              absl::StartsWith(key, kSigningCertificatePrefix)) {
            return absl::OkStatus();
          }
          return UnknownSetting(key);
        }));
    return emit(record);
  }

  absl::Status ReadSigningCertificates(const EmitRecord& emit) {
    return Scan(cfs_.meta, kSigningCertificatePrefix,
                [&](absl::string_view key, absl::string_view value) {
                  const absl::string_view hex =
                      key.substr(strlen(kSigningCertificatePrefix));
                  v1::DumpRecord record;
                  v1::DumpedSigningCertificate& certificate =
                      *record.mutable_signing_certificate();
                  certificate.set_sha256(absl::HexStringToBytes(hex));
                  if (absl::BytesToHexString(certificate.sha256()) != hex) {
                    return Malformed("signing certificate");
                  }
                  certificate.set_der(std::string(value));
                  return emit(record);
                });
  }

  absl::Status ReadParties(const EmitRecord& emit) {
    return Scan(
        cfs_.party_index, "", [&](absl::string_view key, absl::string_view) {
          absl::string_view agency, rest;
          if (!SplitAtNul(key, &agency, &rest) || rest.size() < 2 ||
              rest[1] != '\0' || (rest[0] != 'S' && rest[0] != 'R')) {
            return Malformed(keys::kPartyIndex);
          }
          v1::DumpRecord record;
          v1::DumpedParty& party = *record.mutable_party();
          party.set_agency_id(std::string(agency));
          party.set_side(rest[0] == 'S' ? v1::DumpedParty::SIDE_SENDER
                                        : v1::DumpedParty::SIDE_RECIPIENT);
          party.set_referral_id(std::string(rest.substr(2)));
          return emit(record);
        });
  }

  absl::Status ReadQueue(rocksdb::ColumnFamilyHandle* family,
                         absl::string_view name, const EmitRecord& emit) {
    const bool dead = family == cfs_.dead_letters;
    return Scan(
        family, "", [&](absl::string_view key, absl::string_view value) {
          absl::string_view agency, rest;
          uint64_t sequence = 0;
          if (!SplitAtNul(key, &agency, &rest) ||
              !keys::DecodeUint64(rest, &sequence)) {
            return Malformed(name);
          }
          v1::DumpRecord record;
          if (dead) {
            v1::DumpedDeadLetter& letter = *record.mutable_dead_letter();
            letter.set_agency_id(std::string(agency));
            letter.set_sequence(sequence);
            letter.set_record(std::string(value));
          } else {
            v1::DumpedInboxEntry& entry = *record.mutable_inbox_entry();
            entry.set_agency_id(std::string(agency));
            entry.set_sequence(sequence);
            entry.set_entry(std::string(value));
          }
          return emit(record);
        });
  }

  absl::Status ReadDistributions(const EmitRecord& emit) {
    // 'D' <id> holds the record; 'S' <sender> \0 <id> is its sender's
    // index, made again from the record.
    return Scan(cfs_.distributions, "",
                [&](absl::string_view key, absl::string_view value) {
                  if (absl::StartsWith(key, "S")) return absl::OkStatus();
                  if (!absl::StartsWith(key, "D"))
                    return Malformed(keys::kDistributions);
                  v1::DumpRecord record;
                  record.mutable_distribution()->set_distribution_id(
                      std::string(key.substr(1)));
                  record.mutable_distribution()->set_record(std::string(value));
                  return emit(record);
                });
  }

  // The agency-and-type keys ('G' <agency> \0 <be64 type> <be64 seq>) under
  // which events are found by agency: one prefix per (agency, type).
  absl::StatusOr<std::vector<std::string>> AgencyTypePrefixes() {
    std::vector<std::string> prefixes;
    std::unique_ptr<rocksdb::Iterator> it(
        db_.NewIterator(read_, cfs_.event_index));
    for (it->Seek("G"); it->Valid() && ToView(it->key())[0] == 'G';) {
      const absl::string_view key = ToView(it->key());
      if (key.size() < 1 + 1 + 16 || key[key.size() - 17] != '\0') {
        return Malformed(keys::kEventIndex);
      }
      prefixes.emplace_back(key.substr(0, key.size() - 8));
      it->Seek(absl::StrCat(prefixes.back(), std::string(8, '\xff')));
      if (it->Valid() &&
          ToView(it->key()) ==
              absl::StrCat(prefixes.back(), std::string(8, '\xff'))) {
        it->Next();
      }
    }
    SX_RETURN_IF_ERROR(FromRocksDb(it->status(), "read the event index"));
    return prefixes;
  }

  // Events with the agencies each concerns, a window of sequences at a
  // time: per window, one seek per (agency, type) of the index, so that
  // memory stays bounded by the window whatever the history.
  absl::Status ReadEvents(const EmitRecord& emit) {
    SX_ASSIGN_OR_RETURN(const std::vector<std::string> prefixes,
                        AgencyTypePrefixes());
    std::unique_ptr<rocksdb::Iterator> events(
        db_.NewIterator(read_, cfs_.events));
    std::unique_ptr<rocksdb::Iterator> index(
        db_.NewIterator(read_, cfs_.event_index));
    events->SeekToFirst();
    while (events->Valid()) {
      uint64_t first = 0;
      if (!keys::DecodeUint64(ToView(events->key()), &first)) {
        return Malformed(keys::kEvents);
      }
      const uint64_t end = first + kEventsPerWindow;
      std::map<uint64_t, std::vector<std::string>> agencies;
      for (const std::string& prefix : prefixes) {
        const absl::string_view agency(prefix.data() + 1,
                                       prefix.size() - 1 - 9);
        for (index->Seek(absl::StrCat(prefix, keys::EncodeUint64(first)));
             index->Valid() && absl::StartsWith(ToView(index->key()), prefix);
             index->Next()) {
          uint64_t sequence = 0;
          keys::DecodeSequenceAtEnd(ToView(index->key()), &sequence);
          if (sequence >= end) break;
          agencies[sequence].emplace_back(agency);
        }
        SX_RETURN_IF_ERROR(FromRocksDb(index->status(), "read event index"));
      }
      for (; events->Valid(); events->Next()) {
        uint64_t sequence = 0;
        if (!keys::DecodeUint64(ToView(events->key()), &sequence)) {
          return Malformed(keys::kEvents);
        }
        if (sequence >= end) break;
        v1::DumpRecord record;
        v1::DumpedEvent& event = *record.mutable_event();
        event.set_sequence(sequence);
        event.set_bytes(std::string(ToView(events->value())));
        std::vector<std::string>& of_event = agencies[sequence];
        std::sort(of_event.begin(), of_event.end());
        for (std::string& agency : of_event) {
          event.add_agency_ids(std::move(agency));
        }
        SX_RETURN_IF_ERROR(emit(record));
      }
    }
    return FromRocksDb(events->status(), "read events");
  }

  rocksdb::DB& db_;
  const ColumnFamilies& cfs_;
  const rocksdb::Snapshot* const snapshot_;
  rocksdb::ReadOptions read_;
};

// Writes into a new data directory in batches, the last one synced and
// every family flushed to its files at Finish. Not thread-safe.
class RocksDbDumpTarget final : public DumpTarget {
 public:
  explicit RocksDbDumpTarget(const OpenRocksDb& database)
      : database_(database), db_(database.db()), cfs_(database.cfs()) {}

  absl::Status Write(const v1::DumpRecord& record) override {
    switch (record.kind_case()) {
      case v1::DumpRecord::kSettings:
        return WriteSettings(record.settings());
      case v1::DumpRecord::kSigningCertificate:
        return Put(
            cfs_.meta,
            keys::SigningCertificateKey(record.signing_certificate().sha256()),
            record.signing_certificate().der());
      case v1::DumpRecord::kReferral:
        return Put(cfs_.referrals, record.referral().referral_id(),
                   record.referral().record());
      case v1::DumpRecord::kLead:
        return Put(cfs_.leads, record.lead().referral_id(),
                   record.lead().record());
      case v1::DumpRecord::kParty: {
        const v1::DumpedParty& party = record.party();
        if (party.side() == v1::DumpedParty::SIDE_UNSPECIFIED) {
          return absl::DataLossError("dump: a party without a side");
        }
        return Put(
            cfs_.party_index,
            keys::PartyIndexKey(party.agency_id(),
                                party.side() == v1::DumpedParty::SIDE_SENDER
                                    ? Side::kSender
                                    : Side::kRecipient,
                                party.referral_id()),
            "");
      }
      case v1::DumpRecord::kRequest:
        return Put(cfs_.requests,
                   keys::RequestKey(record.request().caller(),
                                    record.request().request_id()),
                   record.request().record());
      case v1::DumpRecord::kEvent:
        return WriteEvent(record.event());
      case v1::DumpRecord::kInboxSequence:
        return Put(cfs_.meta,
                   keys::InboxCounterKey(record.inbox_sequence().agency_id()),
                   keys::EncodeUint64(record.inbox_sequence().last_sequence()));
      case v1::DumpRecord::kInboxEntry:
        return Put(cfs_.inbox,
                   keys::InboxKey(record.inbox_entry().agency_id(),
                                  record.inbox_entry().sequence()),
                   record.inbox_entry().entry());
      case v1::DumpRecord::kDeadLetter:
        return Put(cfs_.dead_letters,
                   keys::DeadLetterKey(record.dead_letter().agency_id(),
                                       record.dead_letter().sequence()),
                   record.dead_letter().record());
      case v1::DumpRecord::kDeadline: {
        SX_ASSIGN_OR_RETURN(Deadline deadline, DeadlineOf(record.deadline()));
        return Put(
            cfs_.deadlines,
            keys::DeadlineKey(deadline.kind, deadline.due, deadline.referral_id,
                              deadline.item_number),
            "");
      }
      case v1::DumpRecord::kDistribution:
        return WriteDistribution(record.distribution());
      case v1::DumpRecord::kRectificationItem:
        return Put(cfs_.rectification_items,
                   keys::RectificationItemKey(
                       record.rectification_item().referral_id(),
                       record.rectification_item().number()),
                   record.rectification_item().record());
      case v1::DumpRecord::kCounter:
        return Put(cfs_.counters, record.counter().key(),
                   keys::EncodeUint64(
                       static_cast<uint64_t>(record.counter().value())));
      case v1::DumpRecord::kWatchEntry:
        return Put(cfs_.watch_list, record.watch_entry().key(),
                   record.watch_entry().value());
      case v1::DumpRecord::kReferralIndex:
        return Put(cfs_.referral_index, record.referral_index().key(), "");
      default:
        return absl::InternalError("dump: a record of no kind to load");
    }
  }

  absl::Status WriteLogNode(uint64_t level, uint64_t index,
                            absl::string_view hash) override {
    return Put(cfs_.merkle, keys::MerkleNodeKey(level, index), hash);
  }

  absl::Status Finish(const EventLogHead& head) override {
    if (head.sequence > 0) {
      SX_RETURN_IF_ERROR(
          Put(cfs_.meta, keys::kEventHeadKey,
              absl::StrCat(keys::EncodeUint64(head.sequence), head.sha256,
                           keys::EncodeUint64(static_cast<uint64_t>(
                               absl::ToUnixNanos(head.time))))));
    }
    if (head.time_went_back != 0) {
      // Queries by time then read the time index, not a sequence range.
      SX_RETURN_IF_ERROR(Put(cfs_.meta, keys::kEventTimeWentBackKey,
                             keys::EncodeUint64(head.time_went_back)));
    }
    SX_RETURN_IF_ERROR(Commit(/*sync=*/true));
    // Everything into table files: the directory is complete in itself.
    rocksdb::FlushOptions flush;
    flush.wait = true;
    return FromRocksDb(db_.Flush(flush, database_.handles()),
                       "flush the loaded data");
  }

 private:
  absl::Status Put(rocksdb::ColumnFamilyHandle* family, absl::string_view key,
                   absl::string_view value) {
    SX_RETURN_IF_ERROR(
        FromRocksDb(batch_.Put(family, ToSlice(key), ToSlice(value)), "load"));
    if (batch_.GetDataSize() >= kBatchBytes) return Commit(/*sync=*/false);
    return absl::OkStatus();
  }

  absl::Status Delete(rocksdb::ColumnFamilyHandle* family,
                      absl::string_view key) {
    return FromRocksDb(batch_.Delete(family, ToSlice(key)), "load");
  }

  absl::Status Commit(bool sync) {
    rocksdb::WriteOptions options;
    options.sync = sync;
    SX_RETURN_IF_ERROR(FromRocksDb(db_.Write(options, &batch_), "load"));
    batch_.Clear();
    return absl::OkStatus();
  }

  // Exactly the dump's: a setting it lacks is removed (the open of the new
  // directory may have recorded one).
  absl::Status WriteSettings(const v1::DumpedSettings& settings) {
    for (const auto& [key, value] : SettingsToLoad(settings)) {
      SX_RETURN_IF_ERROR(value.has_value() ? Put(cfs_.meta, key, *value)
                                           : Delete(cfs_.meta, key));
    }
    return absl::OkStatus();
  }

  // As RocksDbTransaction::AppendEvent indexes it.
  absl::Status WriteEvent(const v1::DumpedEvent& dumped) {
    v1::Event event;
    if (!event.ParseFromString(dumped.bytes())) {
      return absl::DataLossError(
          absl::StrCat("dump: event ", dumped.sequence(), " does not parse"));
    }
    const std::string sequence = keys::EncodeUint64(dumped.sequence());
    const uint64_t type = static_cast<uint64_t>(event.type());
    SX_RETURN_IF_ERROR(Put(cfs_.events, sequence, dumped.bytes()));
    SX_RETURN_IF_ERROR(
        Put(cfs_.event_index,
            absl::StrCat(keys::EventIndexPrefix(keys::EventIndex::kByReferral,
                                                event.referral_id()),
                         sequence),
            ""));
    SX_RETURN_IF_ERROR(
        Put(cfs_.event_index,
            absl::StrCat(keys::EventTypeIndexPrefix(type), sequence), ""));
    SX_RETURN_IF_ERROR(
        Put(cfs_.event_index,
            absl::StrCat(keys::EventTimeKey(EventTime(event)), sequence), ""));
    for (const std::string& agency : dumped.agency_ids()) {
      SX_RETURN_IF_ERROR(
          Put(cfs_.event_index,
              absl::StrCat(keys::EventAgencyTypeIndexPrefix(agency, type),
                           sequence),
              ""));
    }
    return absl::OkStatus();
  }

  // As RocksDbTransaction::PutDistribution writes it.
  absl::Status WriteDistribution(const v1::DumpedDistribution& dumped) {
    SX_ASSIGN_OR_RETURN(
        v1::StoredDistribution distribution,
        ParseRecord<v1::StoredDistribution>(dumped.record(), "distribution"));
    SX_RETURN_IF_ERROR(Put(cfs_.distributions,
                           keys::DistributionKey(dumped.distribution_id()),
                           dumped.record()));
    return Put(cfs_.distributions,
               keys::DistributionSenderKey(distribution.sender_agency_id(),
                                           dumped.distribution_id()),
               "");
  }

  const OpenRocksDb& database_;
  rocksdb::DB& db_;
  const ColumnFamilies& cfs_;
  rocksdb::WriteBatch batch_;
};

// Written first into the staging directory of an import and removed just
// before the rename: a leftover staging directory is an import's (and
// removed by the next) only if it holds this file.
constexpr char kStagingMarker[] = "SXHUB-IMPORT-STAGING";

// What a failed stat or listing of `path` means, for the operator.
absl::Status CannotInspect(const std::string& path, const std::error_code& error) {
  return absl::UnavailableError(absl::StrCat(
      "cannot inspect ", path, " (", error.message(),
      "): check its permissions and those of its parents. Nothing was "
      "changed"));
}

// A directory that holds nothing: absent, or empty. Only a path surely
// absent counts as absent: a stat that fails otherwise is an error.
absl::Status CheckEmptyTarget(const std::string& path) {
  std::error_code error;
  const std::filesystem::file_status status =
      std::filesystem::status(path, error);
  if (status.type() == std::filesystem::file_type::not_found) {
    return absl::OkStatus();
  }
  if (error) return CannotInspect(path, error);
  bool empty = false;
  if (std::filesystem::is_directory(status)) {
    empty = std::filesystem::is_empty(path, error);
    if (error) return CannotInspect(path, error);
  }
  if (!empty) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data_dir ", path,
        " already holds data (an import only fills a new data directory): "
        "move it away, or set data_dir to a new path, and import again. "
        "Nothing was changed"));
  }
  return absl::OkStatus();
}

// `data_dir` without a trailing separator ("/srv/hub/" is "/srv/hub"), so
// that the staging directory beside it is its sibling, not inside it.
absl::StatusOr<std::filesystem::path> DataDirPath(const std::string& path) {
  std::filesystem::path normal = std::filesystem::path(path).lexically_normal();
  if (normal.filename().empty() && normal.has_relative_path()) {
    normal = normal.parent_path();
  }
  if (normal.filename().empty() || normal.filename() == "." ||
      normal.filename() == "..") {
    return absl::InvalidArgumentError(absl::StrCat(
        "data_dir ", path,
        " names no directory of its own: set data_dir to a new directory's "
        "path"));
  }
  return normal;
}

// A fresh staging directory holding only the marker. A leftover one is
// removed only if an import made it (it holds the marker); anything else
// at that path is refused, untouched.
absl::Status MakeStaging(const std::string& staging) {
  std::error_code error;
  const std::filesystem::file_status status =
      std::filesystem::status(staging, error);
  if (status.type() != std::filesystem::file_type::not_found) {
    if (error) return CannotInspect(staging, error);
    const std::string marker = absl::StrCat(staging, "/", kStagingMarker);
    const bool ours =
        std::filesystem::is_directory(status) &&
        std::filesystem::is_regular_file(
            std::filesystem::symlink_status(marker, error));
    if (!ours) {
      return absl::FailedPreconditionError(absl::StrCat(
          staging,
          " exists and is not what an earlier import left (it has no ",
          kStagingMarker,
          " file): the import builds the data directory there. Move it away "
          "and import again. Nothing was changed"));
    }
    std::filesystem::remove_all(staging, error);
    if (error) {
      return absl::UnavailableError(
          absl::StrCat("cannot remove ", staging,
                       ", which an earlier import left: ", error.message()));
    }
  }
  if (mkdir(staging.c_str(), 0700) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot create ", staging, ": ",
                                               strerror(errno)));
  }
  const std::string marker = absl::StrCat(staging, "/", kStagingMarker);
  const int fd = open(marker.c_str(),
                      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                      0600);
  if (fd < 0) {
    const int open_errno = errno;
    std::filesystem::remove_all(staging, error);
    return absl::UnavailableError(absl::StrCat("cannot create ", marker, ": ",
                                               strerror(open_errno)));
  }
  close(fd);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DumpSummary> ExportRocksDbStore(
    const RocksDbStoreOptions& options, const std::string& file) {
  std::error_code error;
  if (!std::filesystem::is_directory(options.path, error)) {
    return absl::NotFoundError(absl::StrCat(
        "data_dir ", options.path, " does not exist: nothing to export"));
  }
  // Opening creates a database where there is none: a wrong data_dir
  // (empty, or some other directory) would export as an empty hub.
  const std::string current = absl::StrCat(options.path, "/CURRENT");
  if (!std::filesystem::is_regular_file(current, error)) {
    if (error && error != std::errc::no_such_file_or_directory) {
      return CannotInspect(current, error);
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "data_dir ", options.path,
        " holds no hub data (no RocksDB database in it): check data_dir. "
        "Nothing was exported"));
  }
  absl::StatusOr<OpenedDataDirectory> opened = OpenDataDirectory(options);
  if (!opened.ok()) {
    // RocksDB lets one process open a directory: the hub's own.
    const bool locked = absl::StrContains(opened.status().message(), "LOCK");
    return absl::Status(
        opened.status().code(),
        absl::StrCat(opened.status().message(),
                     locked ? " (is the hub running? Stop it first: an "
                              "export reads the stopped hub's data_dir)"
                            : ""));
  }
  RocksDbDumpSource source(*opened->database);
  return WriteDump(source, options.id_prefix, file);
}

absl::StatusOr<DumpSummary> ImportIntoRocksDbStore(
    const RocksDbStoreOptions& options, const std::string& file) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("storage: no data directory given");
  }
  SX_ASSIGN_OR_RETURN(const std::filesystem::path data_dir,
                      DataDirPath(options.path));
  const std::string path = data_dir.string();
  SX_ASSIGN_OR_RETURN(
      std::unique_ptr<DumpFileReader> reader,
      OpenDumpForImport(file, options.id_prefix, options.log_hash));
  SX_RETURN_IF_ERROR(CheckEmptyTarget(path));
  // Built apart and renamed into place once verified: a failed import
  // leaves nothing at `path`, and a crashed one only this, removed by the
  // next attempt.
  const std::string staging =
      (data_dir.parent_path() / (data_dir.filename().string() + ".importing"))
          .string();
  SX_RETURN_IF_ERROR(MakeStaging(staging));
  RocksDbStoreOptions staging_options = options;
  staging_options.path = staging;
  staging_options.confirming_restore = false;
  // Without the deriver: its entries come from the dump as they are.
  staging_options.referral_deriver = ReferralDeriver();
  absl::StatusOr<DumpSummary> summary = [&]() -> absl::StatusOr<DumpSummary> {
    SX_ASSIGN_OR_RETURN(OpenedDataDirectory opened,
                        OpenDataDirectory(staging_options));
    RocksDbDumpTarget target(*opened.database);
    SX_RETURN_IF_ERROR(LoadAllRecords(*reader, target));
    RocksDbDumpSource loaded(*opened.database);
    return VerifyLoaded(loaded, *reader);
  }();
  std::error_code error;
  const std::string marker = absl::StrCat(staging, "/", kStagingMarker);
  if (summary.ok() && unlink(marker.c_str()) != 0) {
    summary = absl::UnavailableError(
        absl::StrCat("cannot remove ", marker, ": ", strerror(errno)));
  }
  if (summary.ok() && std::filesystem::exists(path, error) &&
      rmdir(path.c_str()) != 0) {
    summary = absl::UnavailableError(absl::StrCat(
        "cannot remove the empty ", path, ": ", strerror(errno)));
  }
  if (summary.ok() && rename(staging.c_str(), path.c_str()) != 0) {
    summary = absl::UnavailableError(absl::StrCat(
        "cannot rename ", staging, " to ", path, ": ", strerror(errno)));
  }
  if (!summary.ok()) {
    std::filesystem::remove_all(staging, error);
    return absl::Status(summary.status().code(),
                        absl::StrCat(summary.status().message(),
                                     ". Nothing was written to ", path));
  }
  const std::string parent = data_dir.parent_path().string();
  if (absl::Status synced = SyncDirectory(parent.empty() ? "." : parent);
      !synced.ok()) {
    return absl::Status(
        synced.code(),
        absl::StrCat(
            "the import is verified and in place at ", path,
            ", but syncing its parent directory failed (", synced.message(),
            "): run `sync` before relying on it, since a crash before the "
            "directory reaches the disk could undo the rename. Do not import "
            "again"));
  }
  return summary;
}

}  // namespace sx::storage
