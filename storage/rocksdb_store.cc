// RocksDB-backed Store. Writes go through the CommitPipeline (one writer
// thread, so the domain logic sees a strictly serial order of changes, with
// group commit); reads go straight to RocksDB, pinned to the state as of the
// last fsync.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/db.h"
#include "rocksdb/utilities/checkpoint.h"
#include "storage/column_families.h"
#include "storage/commit_pipeline.h"
#include "storage/damage_record.h"
#include "storage/event_query.h"
#include "storage/keys.h"
#include "storage/queue_counts.h"
#include "storage/rocksdb_open.h"
#include "storage/rocksdb_status.h"
#include "storage/slices.h"
#include "storage/stored_records.h"
#include "storage/table_scrub.h"
#include "sx/base/sha256.h"
#include "sx/base/status_macros.h"
#include "sx/storage/backup_marker.h"
#include "sx/storage/store.h"
#include "sx/transparency/merkle_hasher.h"

namespace sx::storage {

namespace v1 = ::supervision::v1;
namespace {

// Read options pinned to a snapshot, which they keep alive.
struct PinnedRead {
  explicit PinnedRead(std::shared_ptr<const rocksdb::Snapshot> pinned)
      : snapshot(std::move(pinned)) {
    options.snapshot = snapshot.get();
  }
  std::shared_ptr<const rocksdb::Snapshot> snapshot;
  rocksdb::ReadOptions options;
};

// Thread-safe: reads go straight to RocksDB; writes are queued for the
// pipeline's writer thread.
class RocksDbStore final : public Store {
 public:
  RocksDbStore(RocksDbStoreOptions options,
               std::unique_ptr<OpenRocksDb> database,
               transparency::MerkleHasher hasher,
               std::shared_ptr<DamageRecord> damage)
      : options_(std::move(options)),
        database_(std::move(database)),
        db_(&database_->db()),
        cfs_(database_->cfs()),
        hasher_(std::move(hasher)),
        damage_(std::move(damage)),
        pipeline_(
            std::make_unique<CommitPipeline>(options_, *db_, cfs_, hasher_)) {}

  ~RocksDbStore() override {
    // Finishes queued transactions and releases every snapshot before
    // database_ closes the database.
    pipeline_.reset();
  }

  void Apply(TransactionBody body, DurableCallback done) override {
    if (damage_->damaged()) {
      done(absl::FailedPreconditionError(absl::StrCat(
          "storage is damaged and refuses writes until the data directory is "
          "restored (see deploy/README.md, \"Damaged storage\"): ",
          damage_->Current().message())));
      return;
    }
    // A transaction that met damaged data fails with DATA_LOSS.
    pipeline_->Apply(
        std::move(body),
        [damage = damage_, done = std::move(done)](absl::Status status) {
          done(damage->Observe(status));
        });
  }

  absl::Status Health() override { return damage_->Current(); }

  absl::StatusOr<ScrubReport> Scrub(
      uint64_t bytes_per_second,
      const std::function<bool()>& keep_going) override {
    absl::StatusOr<ScrubReport> report =
        ScrubTableFiles(*db_, bytes_per_second, keep_going);
    if (report.ok()) {
      for (const std::string& damaged : report->damaged) {
        DataLossError(absl::StrCat("storage: scrub found a damaged table file ",
                                   damaged))
            .IgnoreError();  // recorded: Health() reports it
      }
    }
    return report;
  }

  absl::StatusOr<std::optional<v1::Referral>> GetReferral(
      absl::string_view referral_id) override {
    const PinnedRead read = Durable();
    std::string bytes;
    rocksdb::Status status =
        db_->Get(read.options, cfs_.referrals, ToSlice(referral_id), &bytes);
    if (status.IsNotFound()) return std::nullopt;
    SX_RETURN_IF_ERROR(FromRocksDb(status, "read referral"));
    v1::Referral referral;
    if (!referral.ParseFromString(bytes)) {
      return DataLossError(
          absl::StrCat("storage: referral ", referral_id, " does not parse"));
    }
    return referral;
  }

  absl::StatusOr<v1::Lead> GetLead(absl::string_view referral_id) override {
    const PinnedRead read = Durable();
    std::string bytes;
    SX_RETURN_IF_ERROR(FromRocksDb(
        db_->Get(read.options, cfs_.leads, ToSlice(referral_id), &bytes),
        absl::StrCat("read lead of ", referral_id)));
    v1::Lead lead;
    if (!lead.ParseFromString(bytes)) {
      return DataLossError(absl::StrCat("storage: lead of referral ",
                                        referral_id, " does not parse"));
    }
    return lead;
  }

  absl::StatusOr<ReferralIdPage> ListReferralIds(absl::string_view agency_id,
                                                 Side side,
                                                 absl::string_view before_id,
                                                 size_t limit) override {
    const PinnedRead read = Durable();
    const std::string prefix = keys::PartyIndexPrefix(agency_id, side);
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(read.options, cfs_.party_index));
    if (before_id.empty()) {
      // Every referral id sorts below 0xff, so this lands on the newest.
      it->SeekForPrev(absl::StrCat(prefix, "\xff"));
    } else {
      const std::string start = absl::StrCat(prefix, before_id);
      it->SeekForPrev(start);
      if (it->Valid() && it->key() == start) it->Prev();
    }
    ReferralIdPage page;
    for (; it->Valid() && it->key().starts_with(prefix); it->Prev()) {
      if (page.referral_ids.size() == limit) {
        page.next_before_id = page.referral_ids.back();
        break;
      }
      page.referral_ids.push_back(it->key().ToString().substr(prefix.size()));
    }
    SX_RETURN_IF_ERROR(FromRocksDb(it->status(), "list referrals"));
    return page;
  }

  absl::StatusOr<std::vector<v1::InboxEntry>> ReadInbox(
      absl::string_view agency_id, uint64_t after_sequence,
      size_t limit) override {
    const PinnedRead read = Durable();
    std::vector<v1::InboxEntry> entries;
    // Nothing comes after the last possible sequence (and +1 would wrap).
    if (after_sequence == std::numeric_limits<uint64_t>::max()) return entries;
    const std::string prefix = keys::InboxPrefix(agency_id);
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(read.options, cfs_.inbox));
    for (it->Seek(keys::InboxKey(agency_id, after_sequence + 1));
         it->Valid() && it->key().starts_with(prefix) && entries.size() < limit;
         it->Next()) {
      v1::InboxEntry entry;
      if (!entry.ParseFromArray(it->value().data(),
                                static_cast<int>(it->value().size()))) {
        return DataLossError(absl::StrCat("storage: inbox entry of ", agency_id,
                                          " does not parse"));
      }
      entries.push_back(std::move(entry));
    }
    SX_RETURN_IF_ERROR(FromRocksDb(it->status(), "read inbox"));
    return entries;
  }

  absl::StatusOr<std::vector<v1::Event>> ReadEvents(uint64_t from_sequence,
                                                    size_t limit) override {
    const PinnedRead read = Durable();
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(read.options, cfs_.events));
    std::vector<v1::Event> events;
    for (it->Seek(keys::EncodeUint64(from_sequence));
         it->Valid() && events.size() < limit; it->Next()) {
      v1::Event event;
      if (!event.ParseFromArray(it->value().data(),
                                static_cast<int>(it->value().size()))) {
        return DataLossError("storage: stored event does not parse");
      }
      events.push_back(std::move(event));
    }
    SX_RETURN_IF_ERROR(FromRocksDb(it->status(), "read events"));
    return events;
  }

  absl::Status VerifyEventChain() override {
    const PinnedRead read = Durable();
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(read.options, cfs_.events));
    std::string previous_digest(kSha256Bytes, '\0');
    uint64_t expected_sequence = 1;
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected_sequence) {
      v1::Event event;
      uint64_t key_sequence = 0;
      if (!keys::DecodeUint64(ToView(it->key()), &key_sequence) ||
          !event.ParseFromArray(it->value().data(),
                                static_cast<int>(it->value().size()))) {
        return DataLossError(absl::StrCat("audit chain: event ",
                                          expected_sequence, " is unreadable"));
      }
      if (key_sequence != expected_sequence ||
          event.sequence() != expected_sequence) {
        return DataLossError(absl::StrCat(
            "audit chain: expected event ", expected_sequence, ", found ",
            key_sequence, " (events missing or reordered)"));
      }
      if (event.previous_event_sha256() != previous_digest) {
        return DataLossError(absl::StrCat(
            "audit chain: event ", expected_sequence,
            " does not follow the one before (altered or removed event)"));
      }
      previous_digest = Sha256(ToView(it->value()));
    }
    return FromRocksDb(it->status(), "verify event chain");
  }

  absl::StatusOr<std::vector<uint64_t>> QueryEvents(const EventFilter& filter,
                                                    uint64_t after_sequence,
                                                    size_t limit) override {
    const PinnedRead read = Durable();
    return Observed(QueryEventSequences(*db_, read.options, cfs_, filter,
                                        after_sequence, limit));
  }

  absl::StatusOr<std::string> ReadEventBytes(uint64_t sequence) override {
    const PinnedRead read = Durable();
    std::string bytes;
    SX_RETURN_IF_ERROR(
        FromRocksDb(db_->Get(read.options, cfs_.events,
                             keys::EncodeUint64(sequence), &bytes),
                    absl::StrCat("read event ", sequence)));
    return bytes;
  }

  absl::StatusOr<std::optional<std::string>> GetSigningCertificate(
      absl::string_view sha256) override {
    const PinnedRead read = Durable();
    std::string der;
    rocksdb::Status status = db_->Get(
        read.options, cfs_.meta, keys::SigningCertificateKey(sha256), &der);
    if (status.IsNotFound()) return std::nullopt;
    SX_RETURN_IF_ERROR(FromRocksDb(status, "read signing certificate"));
    return der;
  }

  absl::StatusOr<uint64_t> EventCount() override {
    const PinnedRead read = Durable();
    std::string head;
    rocksdb::Status status =
        db_->Get(read.options, cfs_.meta, keys::kEventHeadKey, &head);
    if (status.IsNotFound()) return 0;
    SX_RETURN_IF_ERROR(FromRocksDb(status, "read event head"));
    uint64_t count = 0;
    if (head.size() < 8 ||
        !keys::DecodeUint64(absl::string_view(head).substr(0, 8), &count)) {
      return DataLossError("storage: event chain head is malformed");
    }
    return count;
  }

  absl::StatusOr<std::string> PerfectSubtreeHash(uint64_t level,
                                                 uint64_t index) override {
    const PinnedRead read = Durable();
    std::string hash;
    SX_RETURN_IF_ERROR(FromRocksDb(
        db_->Get(read.options, cfs_.merkle, keys::MerkleNodeKey(level, index),
                 &hash),
        absl::StrCat("read transparency log node (", level, ", ", index, ")")));
    return hash;
  }

  absl::StatusOr<std::optional<v1::StoredDistribution>> GetDistribution(
      absl::string_view distribution_id) override {
    const PinnedRead read = Durable();
    std::string bytes;
    rocksdb::Status status =
        db_->Get(read.options, cfs_.distributions,
                 keys::DistributionKey(distribution_id), &bytes);
    if (status.IsNotFound()) return std::nullopt;
    SX_RETURN_IF_ERROR(FromRocksDb(status, "read distribution"));
    v1::StoredDistribution distribution;
    if (!distribution.ParseFromString(bytes)) {
      return DataLossError(absl::StrCat("storage: distribution ",
                                        distribution_id, " does not parse"));
    }
    return distribution;
  }

  absl::StatusOr<ReferralIdPage> ListDistributionIds(
      absl::string_view sender_agency_id, absl::string_view before_id,
      size_t limit) override {
    const PinnedRead read = Durable();
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(read.options, cfs_.distributions));
    const std::string prefix = keys::DistributionSenderPrefix(sender_agency_id);
    // Newest first: from just below `before_id`, or from the prefix's end.
    if (before_id.empty()) {
      it->SeekForPrev(absl::StrCat(prefix, "\xff"));
    } else {
      it->SeekForPrev(keys::DistributionSenderKey(sender_agency_id, before_id));
      if (it->Valid() &&
          ToView(it->key()) ==
              keys::DistributionSenderKey(sender_agency_id, before_id)) {
        it->Prev();
      }
    }
    ReferralIdPage page;
    for (; it->Valid(); it->Prev()) {
      const absl::string_view key = ToView(it->key());
      if (!absl::StartsWith(key, prefix)) break;
      if (page.referral_ids.size() == limit) {
        page.next_before_id = page.referral_ids.back();
        break;
      }
      page.referral_ids.emplace_back(key.substr(prefix.size()));
    }
    SX_RETURN_IF_ERROR(FromRocksDb(it->status(), "list distributions"));
    return page;
  }

  absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> ReadCounters(
      absl::string_view from_key, absl::string_view to_key,
      size_t limit) override {
    const PinnedRead read = Durable();
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(read.options, cfs_.counters));
    std::vector<std::pair<std::string, int64_t>> counters;
    for (it->Seek(ToSlice(from_key)); it->Valid() && counters.size() < limit;
         it->Next()) {
      const absl::string_view key = ToView(it->key());
      if (key >= to_key) break;
      uint64_t value = 0;
      if (!keys::DecodeUint64(ToView(it->value()), &value)) {
        return DataLossError("storage: a counter is malformed");
      }
      counters.emplace_back(std::string(key), static_cast<int64_t>(value));
    }
    SX_RETURN_IF_ERROR(FromRocksDb(it->status(), "read counters"));
    return counters;
  }

  absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  ReadWatchList(absl::string_view prefix, absl::string_view after_key,
                size_t limit) override {
    SX_RETURN_IF_ERROR(CheckDerived("the watch list"));
    const PinnedRead read = Durable();
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(read.options, cfs_.watch_list));
    std::vector<std::pair<std::string, std::string>> entries;
    it->Seek(ToSlice(std::max(prefix, after_key)));
    if (it->Valid() && !after_key.empty() && ToView(it->key()) == after_key) {
      it->Next();
    }
    for (; it->Valid() && entries.size() < limit; it->Next()) {
      const absl::string_view key = ToView(it->key());
      if (!absl::StartsWith(key, prefix)) break;
      entries.emplace_back(std::string(key), std::string(ToView(it->value())));
    }
    SX_RETURN_IF_ERROR(FromRocksDb(it->status(), "read watch list"));
    return entries;
  }

  absl::StatusOr<std::vector<std::string>> ScanReferralIndex(
      absl::string_view prefix, absl::string_view before_key,
      size_t limit) override {
    SX_RETURN_IF_ERROR(CheckDerived("the referral index"));
    const PinnedRead read = Durable();
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(read.options, cfs_.referral_index));
    if (before_key.empty() || !absl::StartsWith(before_key, prefix)) {
      // From the last key under the prefix: index keys never hold "\xff".
      it->SeekForPrev(absl::StrCat(prefix, "\xff"));
    } else {
      it->SeekForPrev(ToSlice(before_key));
      if (it->Valid() && ToView(it->key()) == before_key) it->Prev();
    }
    std::vector<std::string> keys;
    for (; it->Valid() && keys.size() < limit; it->Prev()) {
      const absl::string_view key = ToView(it->key());
      if (!absl::StartsWith(key, prefix)) break;
      keys.emplace_back(key);
    }
    SX_RETURN_IF_ERROR(FromRocksDb(it->status(), "read referral index"));
    return keys;
  }

  absl::StatusOr<std::vector<v1::RectificationItem>> ListRectificationItems(
      absl::string_view referral_id, uint32_t after_number,
      size_t limit) override {
    const PinnedRead read = Durable();
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(read.options, cfs_.rectification_items));
    const std::string prefix = keys::RectificationItemPrefix(referral_id);
    std::vector<v1::RectificationItem> items;
    for (it->Seek(keys::RectificationItemKey(referral_id,
                                             uint64_t{after_number} + 1));
         it->Valid() && items.size() < limit; it->Next()) {
      if (!absl::StartsWith(ToView(it->key()), prefix)) break;
      v1::RectificationItem item;
      if (!item.ParseFromArray(it->value().data(),
                               static_cast<int>(it->value().size()))) {
        return DataLossError(absl::StrCat("storage: a rectification item of ",
                                          referral_id, " does not parse"));
      }
      items.push_back(std::move(item));
    }
    SX_RETURN_IF_ERROR(FromRocksDb(it->status(), "read rectification items"));
    return items;
  }

  absl::StatusOr<std::vector<Deadline>> DeadlinesDue(absl::Time now,
                                                     size_t limit) override {
    const PinnedRead read = Durable();
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(read.options, cfs_.deadlines));
    const std::string end = keys::EncodeUint64(
        static_cast<uint64_t>(std::max<int64_t>(0, absl::ToUnixSeconds(now))) +
        1);
    std::vector<Deadline> due;
    for (it->SeekToFirst(); it->Valid() && due.size() < limit; it->Next()) {
      if (ToView(it->key()) >= end) break;
      Deadline deadline;
      if (!keys::ParseDeadlineKey(ToView(it->key()), &deadline)) {
        return DataLossError("storage: malformed deadline key");
      }
      due.push_back(std::move(deadline));
    }
    SX_RETURN_IF_ERROR(FromRocksDb(it->status(), "read deadlines"));
    return due;
  }

  absl::StatusOr<ReferralIdPage> ScanReferralIds(absl::string_view before_id,
                                                 size_t limit) override {
    const PinnedRead read = Durable();
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(read.options, cfs_.referrals));
    if (before_id.empty()) {
      it->SeekToLast();
    } else {
      it->SeekForPrev(ToSlice(before_id));
      if (it->Valid() && ToView(it->key()) == before_id) it->Prev();
    }
    ReferralIdPage page;
    for (; it->Valid(); it->Prev()) {
      if (page.referral_ids.size() == limit) {
        page.next_before_id = page.referral_ids.back();
        break;
      }
      page.referral_ids.push_back(it->key().ToString());
    }
    SX_RETURN_IF_ERROR(FromRocksDb(it->status(), "scan referrals"));
    return page;
  }

  absl::StatusOr<InboxSummary> SummarizeInbox(
      absl::string_view agency_id) override {
    const PinnedRead read = Durable();
    InboxSummary summary;
    const std::string prefix = keys::InboxPrefix(agency_id);
    // Counted as entries come and go: a summary costs the same whatever
    // the backlog. The oldest entry is the first under the prefix.
    SX_ASSIGN_OR_RETURN(summary.depth,
                        ReadCount(read, InboxDepthKey(agency_id)));
    SX_ASSIGN_OR_RETURN(summary.dead_letters,
                        ReadCount(read, DeadLetterCountKey(agency_id)));
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(read.options, cfs_.inbox));
    it->Seek(prefix);
    if (it->Valid() && it->key().starts_with(prefix)) {
      v1::InboxEntry entry;
      if (entry.ParseFromArray(it->value().data(),
                               static_cast<int>(it->value().size()))) {
        summary.oldest = absl::FromUnixSeconds(entry.event().time().seconds()) +
                         absl::Nanoseconds(entry.event().time().nanos());
      }
    }
    SX_RETURN_IF_ERROR(FromRocksDb(it->status(), "summarize inbox"));
    std::string counter;
    rocksdb::Status status = db_->Get(
        read.options, cfs_.meta, keys::InboxCounterKey(agency_id), &counter);
    if (!status.IsNotFound()) {
      SX_RETURN_IF_ERROR(FromRocksDb(status, "read inbox counter"));
      keys::DecodeUint64(counter, &summary.last_sequence);
    }
    return summary;
  }

  absl::StatusOr<std::vector<DeadLetterRecord>> ListDeadLetters(
      absl::string_view agency_id, absl::string_view after_key,
      size_t limit) override {
    const PinnedRead read = Durable();
    const std::string prefix =
        agency_id.empty() ? "" : keys::InboxPrefix(agency_id);
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(read.options, cfs_.dead_letters));
    if (after_key.empty()) {
      it->Seek(prefix);
    } else {
      it->Seek(ToSlice(after_key));
      if (it->Valid() && ToView(it->key()) == after_key) it->Next();
    }
    std::vector<DeadLetterRecord> letters;
    for (;
         it->Valid() && it->key().starts_with(prefix) && letters.size() < limit;
         it->Next()) {
      v1::StoredDeadLetter letter;
      if (!letter.ParseFromArray(it->value().data(),
                                 static_cast<int>(it->value().size()))) {
        return DataLossError("storage: dead letter does not parse");
      }
      letters.push_back(RecordOf(letter, it->key().ToString()));
    }
    SX_RETURN_IF_ERROR(FromRocksDb(it->status(), "list dead letters"));
    return letters;
  }

  absl::Status RewriteAllFiles() override {
    rocksdb::CompactRangeOptions options;
    // The last level too, where old values otherwise sit until something
    // new lands on top of them.
    options.bottommost_level_compaction =
        rocksdb::BottommostLevelCompaction::kForce;
    for (rocksdb::ColumnFamilyHandle* handle : database_->handles()) {
      SX_RETURN_IF_ERROR(FromRocksDb(
          db_->CompactRange(options, handle, nullptr, nullptr),
          absl::StrCat("rewrite the files of ", handle->GetName())));
    }
    return absl::OkStatus();
  }

  absl::Status CreateCheckpoint(const std::string& directory) override {
    rocksdb::Checkpoint* raw = nullptr;
    SX_RETURN_IF_ERROR(FromRocksDb(rocksdb::Checkpoint::Create(db_, &raw),
                                   "prepare checkpoint"));
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    if (access(directory.c_str(), F_OK) == 0) {
      return absl::AlreadyExistsError(
          absl::StrCat("storage: checkpoint to ", directory,
                       ": the directory exists (a backup is never "
                       "overwritten)"));
    }
    // Built under another name and renamed once whole, closed and marked: a
    // crash never leaves an unmarked backup that would restore silently.
    const std::string partial = absl::StrCat(directory, ".partial");
    std::error_code ignored;
    std::filesystem::remove_all(partial, ignored);  // a crashed attempt's
    SX_RETURN_IF_ERROR(FromRocksDb(checkpoint->CreateCheckpoint(partial),
                                   absl::StrCat("checkpoint to ", partial)));
    // A backup holds every lead: as closed as the data directory.
    if (chmod(partial.c_str(), 0700) != 0) {
      return absl::UnavailableError(absl::StrCat(
          "storage: cannot restrict ", partial, ": ", strerror(errno)));
    }
    SX_RETURN_IF_ERROR(WriteBackupMarker(partial, absl::Now()));
    if (rename(partial.c_str(), directory.c_str()) != 0) {
      return absl::UnavailableError(absl::StrCat("storage: cannot rename ",
                                                 partial, " to ", directory,
                                                 ": ", strerror(errno)));
    }
    return SyncDirectory(
        std::filesystem::path(directory).parent_path().string());
  }

  void SetWriteObserver(
      std::function<void(const CommitReport&)> observer) override {
    pipeline_->SetWriteObserver(std::move(observer));
  }

  void SetInboxListener(
      std::function<void(const std::vector<std::string>&)> listener) override {
    pipeline_->SetInboxListener(std::move(listener));
  }

 private:
  // Derived entries are kept only by a store opened with a deriver: without
  // one, an index would silently answer with what it held before, or
  // nothing. Say so instead.
  absl::Status CheckDerived(absl::string_view what) const {
    if (options_.referral_deriver.derive) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat("storage: ", what,
                     " is not kept by a store opened without the hub's deriver "
                     "(RocksDbStoreOptions::referral_deriver)"));
  }

  // Every RocksDB status and every stored record that does not parse passes
  // through these (they hide the free functions of the same names), so
  // that damage is recorded wherever a read meets it.
  absl::Status FromRocksDb(const rocksdb::Status& status,
                           absl::string_view action) const {
    return damage_->Observe(storage::FromRocksDb(status, action));
  }
  absl::Status DataLossError(absl::string_view message) const {
    return damage_->Observe(absl::DataLossError(message));
  }
  template <typename T>
  absl::StatusOr<T> Observed(absl::StatusOr<T> result) const {
    damage_->Observe(result.status());
    return result;
  }

  // A counter of the counters family; 0 if it was never added to.
  absl::StatusOr<uint64_t> ReadCount(const PinnedRead& read,
                                     const std::string& key) const {
    std::string value;
    rocksdb::Status status =
        db_->Get(read.options, cfs_.counters, ToSlice(key), &value);
    if (status.IsNotFound()) return 0;
    SX_RETURN_IF_ERROR(FromRocksDb(status, "read a count"));
    uint64_t count = 0;
    if (!keys::DecodeUint64(value, &count)) {
      return DataLossError(
          absl::StrCat("storage: count ", key, " is malformed"));
    }
    return count;
  }

  // Readers never see a write before it is fsynced: one that a crash could
  // still take back after they had shown it to someone.
  PinnedRead Durable() const {
    return PinnedRead(pipeline_->DurableSnapshot());
  }

  const RocksDbStoreOptions options_;
  // Closed last, after the pipeline's threads are gone.
  const std::unique_ptr<OpenRocksDb> database_;
  rocksdb::DB* const db_;
  const ColumnFamilies cfs_;
  const transparency::MerkleHasher hasher_;
  const std::shared_ptr<DamageRecord> damage_;
  // Last member: its threads start after everything above is initialized.
  std::unique_ptr<CommitPipeline> pipeline_;
};

}  // namespace

absl::Status Store::ApplyAndWait(TransactionBody body) {
  absl::Mutex mu;
  bool finished = false;
  absl::Status result;
  Apply(std::move(body), [&](absl::Status status) {
    absl::MutexLock lock(&mu);
    result = std::move(status);
    finished = true;
  });
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(&finished));
  return result;
}

absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(
    const RocksDbStoreOptions& options) {
  SX_ASSIGN_OR_RETURN(OpenedDataDirectory opened, OpenDataDirectory(options));
  return std::unique_ptr<Store>(
      new RocksDbStore(std::move(opened.options), std::move(opened.database),
                       std::move(opened.hasher), std::move(opened.damage)));
}

}  // namespace sx::storage
