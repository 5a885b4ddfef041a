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
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "storage/column_families.h"
#include "storage/commit_pipeline.h"
#include "storage/counter_merge.h"
#include "storage/damage_record.h"
#include "storage/derived_rebuild.h"
#include "storage/event_query.h"
#include "storage/event_reindex.h"
#include "storage/keys.h"
#include "storage/queue_counts.h"
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
  RocksDbStore(RocksDbStoreOptions options, std::unique_ptr<rocksdb::DB> db,
               std::vector<rocksdb::ColumnFamilyHandle*> handles,
               ColumnFamilies cfs, transparency::MerkleHasher hasher,
               std::shared_ptr<DamageRecord> damage)
      : options_(std::move(options)),
        db_(std::move(db)),
        handles_(std::move(handles)),
        cfs_(cfs),
        hasher_(std::move(hasher)),
        damage_(std::move(damage)),
        pipeline_(
            std::make_unique<CommitPipeline>(options_, *db_, cfs_, hasher_)) {}

  ~RocksDbStore() override {
    // Finishes queued transactions and releases every snapshot first.
    pipeline_.reset();
    for (rocksdb::ColumnFamilyHandle* handle : handles_) {
      db_->DestroyColumnFamilyHandle(handle);
    }
    db_->Close().PermitUncheckedError();
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
    for (rocksdb::ColumnFamilyHandle* handle : handles_) {
      SX_RETURN_IF_ERROR(FromRocksDb(
          db_->CompactRange(options, handle, nullptr, nullptr),
          absl::StrCat("rewrite the files of ", handle->GetName())));
    }
    return absl::OkStatus();
  }

  absl::Status CreateCheckpoint(const std::string& directory) override {
    rocksdb::Checkpoint* raw = nullptr;
    SX_RETURN_IF_ERROR(FromRocksDb(rocksdb::Checkpoint::Create(db_.get(), &raw),
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
  const std::unique_ptr<rocksdb::DB> db_;
  const std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  const ColumnFamilies cfs_;
  const transparency::MerkleHasher hasher_;
  const std::shared_ptr<DamageRecord> damage_;
  // Last member: its threads start after everything above is initialized.
  std::unique_ptr<CommitPipeline> pipeline_;
};

// Damage met by a flush or compaction (RocksDB then stops writing on its
// own) is recorded like damage met by a read.
class DamageListener final : public rocksdb::EventListener {
 public:
  explicit DamageListener(std::shared_ptr<DamageRecord> damage)
      : damage_(std::move(damage)) {}
  void OnBackgroundError(rocksdb::BackgroundErrorReason /*reason*/,
                         rocksdb::Status* error) override {
    if (error != nullptr && error->IsCorruption()) {
      damage_->Observe(FromRocksDb(*error, "background flush or compaction"))
          .IgnoreError();  // recorded: Health() reports it
    }
  }

 private:
  const std::shared_ptr<DamageRecord> damage_;
};

constexpr uint64_t kMaxTotalWalBytes = 64ull << 20;

rocksdb::Options DatabaseOptions() {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  // A torn tail can only hold writes that were never acknowledged (they were
  // not fsynced); corruption before the tail means acknowledged data is
  // damaged, and RocksDB must refuse to open rather than silently drop the
  // rest of the log as the default point-in-time mode would.
  options.wal_recovery_mode =
      rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  options.track_and_verify_wals_in_manifest = true;
  options.paranoid_checks = true;
  options.IncreaseParallelism(2);
  // A log file is kept until every family's writes in it are flushed, and
  // the small families (deadlines, counters, watch list) fill their write
  // buffers slowly: unbounded, the logs grew to ~1 GB at 500k referrals,
  // all replayed on a restart after a crash (12 s). Past this total RocksDB
  // flushes the families that hold the oldest log, so a restart replays at
  // most this much.
  options.max_total_wal_size = kMaxTotalWalBytes;
  // And a restart replays the log into the write buffers and carries on,
  // rather than first writing all of it out as new table files: the logs
  // stay until those buffers are flushed as usual. Measured on a copy of
  // one killed data directory (72 MiB of log), three opens each: 0.93–0.98
  // s with the flush, 0.66–0.68 s without.
  options.avoid_flush_during_recovery = true;
  return options;
}

// Most families are appended to in key order (sequences, new referral ids,
// per-level Merkle indexes). A memtable insert hint per key prefix lets
// such an insert start from where the previous one ended instead of
// searching the skip list from the top: the biggest CPU cost of a write.
rocksdb::ColumnFamilyOptions FamilyOptions(const rocksdb::Options& db_options,
                                           const std::string& name) {
  rocksdb::ColumnFamilyOptions options(db_options);
  // Every submission looks up keys that do not exist yet (its request id,
  // its new referral id): bloom filters answer those without searching the
  // memtable's skip list or reading SST blocks.
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  if (name == keys::kCounters) {
    options.merge_operator = NewCounterMergeOperator();
    // Without a bound, every addition since the last flush stays a separate
    // operand in the memtable, and reading a counter folds them all: a
    // statistics call would grow with recent traffic (measured: 120 ms for a
    // year of all units at 1M referrals, against 1 ms once flushed). After
    // this many operands the write folds them into one value, so a read
    // folds at most this many per key.
    options.max_successive_merges = 16;
  }
  if (name == keys::kRequests || name == keys::kReferrals) {
    options.memtable_whole_key_filtering = true;
    options.memtable_prefix_bloom_size_ratio = 0.02;
  }
  if (name == keys::kEvents || name == keys::kReferrals ||
      name == keys::kLeads) {
    // One ascending sequence of keys.
    options.memtable_insert_with_hint_prefix_extractor.reset(
        rocksdb::NewFixedPrefixTransform(0));
  } else if (name == keys::kMerkle || name == keys::kEventIndex) {
    // Ascending within the first byte: the tree level, or the index kind.
    options.memtable_insert_with_hint_prefix_extractor.reset(
        rocksdb::NewFixedPrefixTransform(1));
  }
  return options;
}

absl::Status CheckFormatVersion(rocksdb::DB& db, const std::string& path) {
  std::string version;
  rocksdb::Status status =
      db.Get(rocksdb::ReadOptions(), keys::kFormatVersionKey, &version);
  if (status.IsNotFound()) {
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    return FromRocksDb(
        db.Put(write_options, keys::kFormatVersionKey, keys::kFormatVersion),
        "write format version");
  }
  SX_RETURN_IF_ERROR(FromRocksDb(status, "read format version"));
  if (version != keys::kFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("storage: ", path, " holds format version ", version,
                     " but this hub reads version ", keys::kFormatVersion));
  }
  return absl::OkStatus();
}

// `options` with the id prefix of the database's generation: after a
// confirmed restore, ids carry it, so that none repeats an id issued (and
// lost by the restore) after the backup.
absl::StatusOr<RocksDbStoreOptions> WithIdGeneration(
    rocksdb::DB& db, RocksDbStoreOptions options) {
  std::string generation;
  rocksdb::Status status =
      db.Get(rocksdb::ReadOptions(), keys::kIdGenerationKey, &generation);
  if (status.IsNotFound()) return options;
  SX_RETURN_IF_ERROR(FromRocksDb(status, "read id generation"));
  options.id_prefix = absl::StrCat(options.id_prefix, "-", generation);
  return options;
}

// The log's hash is chosen when the database is created; a different one
// later would make every stored node hash meaningless.
absl::StatusOr<transparency::MerkleHasher> OpenLogHasher(
    rocksdb::DB& db, const std::string& wanted) {
  std::string stored;
  rocksdb::Status status =
      db.Get(rocksdb::ReadOptions(), keys::kLogHashKey, &stored);
  if (status.IsNotFound()) {
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    SX_RETURN_IF_ERROR(FromRocksDb(
        db.Put(write_options, keys::kLogHashKey, wanted), "write log hash"));
    stored = wanted;
  } else {
    SX_RETURN_IF_ERROR(FromRocksDb(status, "read log hash"));
  }
  if (stored != wanted) {
    return absl::FailedPreconditionError(
        absl::StrCat("storage: the transparency log of this database uses ",
                     stored, " but the config asks for ", wanted,
                     "; the log hash cannot change for an existing database"));
  }
  SX_ASSIGN_OR_RETURN(transparency::HashAlgorithm algorithm,
                      transparency::ParseHashAlgorithm(stored));
  return transparency::MerkleHasher::Create(algorithm);
}

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
  if (options.path.empty()) {
    return absl::InvalidArgumentError("storage: no data directory given");
  }
  // Leads are confidential: a new data directory is the hub user's alone
  // (RocksDB would create it with the umask's mode).
  if (mkdir(options.path.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::UnavailableError(absl::StrCat(
        "storage: cannot create ", options.path, ": ", strerror(errno)));
  }
  SX_ASSIGN_OR_RETURN(std::optional<BackupMarker> backup,
                      ReadBackupMarker(options.path));
  if (backup.has_value() && !options.confirming_restore) {
    return absl::FailedPreconditionError(absl::StrCat(
        "storage: ", options.path, " is a backup written at ",
        absl::FormatTime(absl::RFC3339_sec, backup->written,
                         absl::UTCTimeZone()),
        ", restored into the data directory. Serving from it as is would "
        "issue again the referral ids and event sequences that the hub "
        "confirmed after the backup. Run `sxhub --config=FILE "
        "--confirm-restore` once: it records the restore in the event log "
        "and gives new referral ids a new generation (see deploy/README.md, "
        "Restore)"));
  }
  rocksdb::Options db_options = DatabaseOptions();
  if (options.env != nullptr) db_options.env = options.env;
  auto damage = std::make_shared<DamageRecord>(options.on_damage);
  db_options.listeners.push_back(std::make_shared<DamageListener>(damage));
  const std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName,
                                          keys::kReferrals,
                                          keys::kLeads,
                                          keys::kPartyIndex,
                                          keys::kInbox,
                                          keys::kRequests,
                                          keys::kEvents,
                                          keys::kEventIndex,
                                          keys::kMerkle,
                                          keys::kDeadlines,
                                          keys::kDeadLetters,
                                          keys::kRectificationItems,
                                          keys::kDistributions,
                                          keys::kCounters,
                                          keys::kWatchList,
                                          keys::kReferralIndex};
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) {
    descriptors.emplace_back(name, FamilyOptions(db_options, name));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status status =
      rocksdb::DB::Open(rocksdb::DBOptions(db_options), options.path,
                        descriptors, &handles, &raw_db);
  if (!status.ok()) {
    std::string hint;
    if (status.IsCorruption()) {
      hint =
          " The database is damaged before the end of its write-ahead log; "
          "the hub will not start on a partial database. Restore the data "
          "directory from a backup (checkpoint) or investigate the disk.";
    }
    return absl::Status(
        FromRocksDb(status, absl::StrCat("open ", options.path)).code(),
        absl::StrCat("storage: cannot open ", options.path, ": ",
                     status.ToString(), hint));
  }
  std::unique_ptr<rocksdb::DB> db(raw_db);
  ColumnFamilies cfs{handles[0],  handles[1],  handles[2],  handles[3],
                     handles[4],  handles[5],  handles[6],  handles[7],
                     handles[8],  handles[9],  handles[10], handles[11],
                     handles[12], handles[13], handles[14], handles[15]};
  absl::StatusOr<transparency::MerkleHasher> hasher =
      OpenLogHasher(*db, options.log_hash);
  absl::Status version_status =
      hasher.ok() ? CheckFormatVersion(*db, options.path) : hasher.status();
  if (version_status.ok()) {
    version_status = RederiveIfStale(*db, cfs, options.referral_deriver);
  }
  if (version_status.ok()) version_status = CountQueuesIfUncounted(*db, cfs);
  if (version_status.ok()) version_status = ReindexEventsIfStale(*db, cfs);
  if (!version_status.ok()) {
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      db->DestroyColumnFamilyHandle(handle);
    }
    return version_status;
  }
  absl::StatusOr<RocksDbStoreOptions> effective =
      WithIdGeneration(*db, options);
  if (!effective.ok()) {
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      db->DestroyColumnFamilyHandle(handle);
    }
    return effective.status();
  }
  return std::unique_ptr<Store>(
      new RocksDbStore(*effective, std::move(db), std::move(handles), cfs,
                       *std::move(hasher), std::move(damage)));
}

}  // namespace sx::storage
