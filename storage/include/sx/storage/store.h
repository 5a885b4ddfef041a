// The hub's storage interface: durable referrals, per-agency inboxes, request
// records for retries and the append-only event chain, changed only through
// atomic, fsynced transactions.
//
// The domain core talks to storage only through these two classes, so that a
// replicated backend (e.g. PostgreSQL) can later stand behind the same calls.
//
//   store->Apply(
//       [&](Transaction& txn) -> absl::Status {
//         SX_ASSIGN_OR_RETURN(auto referral, txn.GetReferral(id));
//         ...
//         return txn.UpdateReferral(*referral);
//       },
//       [](absl::Status durable) { /* reply to the client */ });
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "supervision/v1/records.pb.h"
#include "supervision/v1/rectification.pb.h"
#include "supervision/v1/referral.pb.h"
#include "sx/storage/referral_deriver.h"

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace sx::storage {

// Which side of a referral an agency is on, for listing.
enum class Side { kSender, kRecipient };

// Which step a deadline is for: the referral's acceptance or final feedback,
// one item of its rectification ledger, the review date of a lead kept
// pending (暂存待查), a staged warning (预警) before the feedback deadline,
// or the next periodic report of a case under review.
enum class DeadlineKind {
  kAccept,
  kFeedback,
  kRectificationItem,
  kReview,
  kBlueWarning,
  kYellowWarning,
  // The next periodic report during 立案审查调查.
  kReport,
};

struct Deadline {
  DeadlineKind kind;
  absl::Time due;
  std::string referral_id;
  // kRectificationItem only: the item's number.
  uint32_t item_number = 0;
};

// One stored dead letter.
struct DeadLetterRecord {
  // Opaque position, to pass as `after_key` for the next page.
  std::string position;
  std::string agency_id;
  ::supervision::v1::InboxEntry entry;
  absl::Time dead_lettered_at;
};

// What an audit query of events asks for; an empty field or an unbounded
// time matches every event.
struct EventFilter {
  std::string referral_id;
  // An agency the event concerns: its actor, or the sender or recipient of
  // its referral (the agencies the step was recorded for).
  std::string agency_id;
  // A ::supervision::v1::EventType; 0 is any.
  int type = 0;
  absl::Time time_from = absl::InfinitePast();  // inclusive
  absl::Time time_to = absl::InfiniteFuture();  // inclusive
};

// What one pass of Store::Scrub found.
struct ScrubReport {
  uint64_t files = 0;  // table files whose every block was verified
  uint64_t bytes = 0;
  // Files that compaction replaced while the pass ran (their contents were
  // moved to files the next pass verifies).
  uint64_t gone = 0;
  // Damaged files: the path and what RocksDB found.
  std::vector<std::string> damaged;
  absl::Duration took;
};

// Counts of one agency's inbox.
struct InboxSummary {
  uint64_t depth = 0;
  uint64_t last_sequence = 0;
  uint64_t dead_letters = 0;
  // Event time of the oldest unacknowledged entry; nullopt if empty.
  std::optional<absl::Time> oldest;
};

// The writes and reads of one atomic change. Reads see everything committed
// plus the writes of transactions applied before this one, even those not yet
// fsynced: transactions are applied one at a time, in order.
//
// Not thread-safe; valid only during the body passed to Store::Apply.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // The referral without its lead, or nullopt if there is none with that id.
  virtual absl::StatusOr<std::optional<::supervision::v1::Referral>>
  GetReferral(absl::string_view referral_id) = 0;
  // The lead of an existing referral.
  virtual absl::StatusOr<::supervision::v1::Lead> GetLead(
      absl::string_view referral_id) = 0;

  // A new, never used referral id.
  virtual absl::StatusOr<std::string> NewReferralId() = 0;
  // After a confirmed restore from a backup: referral ids of a store opened
  // afterwards read "<id_prefix>-<generation>-<number>". `generation` must
  // sort after every earlier one (the restore's time), so that it never
  // repeats even when the same backup is restored twice.
  virtual absl::Status SetIdGeneration(absl::string_view generation) = 0;
  // The generation set by SetIdGeneration, or "" if none.
  virtual absl::StatusOr<std::string> IdGeneration() = 0;
  // Moves the agency's inbox on so that its next entry's sequence is at
  // least `next_sequence` (no change if it is already past it).
  virtual absl::Status AdvanceInboxSequence(absl::string_view agency_id,
                                            uint64_t next_sequence) = 0;
  // Stores a new referral and its lead and indexes it for both parties.
  // `referral.lead` must be empty: the lead is stored once, apart.
  virtual absl::Status CreateReferral(
      const ::supervision::v1::Referral& referral,
      const ::supervision::v1::Lead& lead) = 0;
  // Replaces an existing referral's record (not its lead).
  virtual absl::Status UpdateReferral(
      const ::supervision::v1::Referral& referral) = 0;
  // Replaces the stored lead of an existing referral. A lead never changes
  // once submitted: this is for rewriting how it is stored (a new
  // key-encryption key), not what it says.
  virtual absl::Status ReplaceLead(absl::string_view referral_id,
                                   const ::supervision::v1::Lead& lead) = 0;

  // What a completed call with this request id did, if any.
  virtual absl::StatusOr<std::optional<::supervision::v1::RequestRecord>>
  GetRequest(absl::string_view caller, absl::string_view request_id) = 0;
  virtual absl::Status PutRequest(
      absl::string_view caller, absl::string_view request_id,
      const ::supervision::v1::RequestRecord& record) = 0;

  // Keeps an agency's DER signing certificate under its SHA-256, for the
  // step signatures that name it (Event.step_signature). Writing the same
  // certificate again changes nothing.
  virtual absl::Status PutSigningCertificate(absl::string_view sha256,
                                             absl::string_view der) = 0;

  // Appends to the event chain and the transparency log: fills sequence and
  // previous_event_sha256, indexes the event by referral, type, time and
  // each of `agencies` (those it concerns), and returns it as stored. A time
  // before the previous event's (the clock stepped back) is stored as that
  // time: event times never go back.
  virtual absl::StatusOr<::supervision::v1::Event> AppendEvent(
      ::supervision::v1::Event event,
      const std::vector<std::string>& agencies) = 0;

  // Appends an entry for `event` to the agency's inbox; returns its sequence.
  virtual absl::StatusOr<uint64_t> AppendInbox(
      absl::string_view agency_id, const ::supervision::v1::Event& event) = 0;
  // Removes an entry from the agency's inbox and returns it, or nullopt if it
  // was already acknowledged or never existed.
  virtual absl::StatusOr<std::optional<::supervision::v1::InboxEntry>>
  TakeInboxEntry(absl::string_view agency_id, uint64_t sequence) = 0;
  // Puts an entry (back) into the agency's inbox under its own sequence,
  // e.g. after TakeInboxEntry, with a new attempt count.
  virtual absl::Status RestoreInboxEntry(
      absl::string_view agency_id,
      const ::supervision::v1::InboxEntry& entry) = 0;

  // Dead letters: entries moved out of an inbox after too many deliveries.
  virtual absl::Status PutDeadLetter(absl::string_view agency_id,
                                     const ::supervision::v1::InboxEntry& entry,
                                     absl::Time when) = 0;
  // Removes and returns a dead letter, or nullopt if there is none.
  virtual absl::StatusOr<std::optional<::supervision::v1::InboxEntry>>
  TakeDeadLetter(absl::string_view agency_id, uint64_t sequence) = 0;

  // The deadline index: which referral owes which step by when.
  virtual absl::Status PutDeadline(DeadlineKind kind, absl::Time due,
                                   absl::string_view referral_id) = 0;
  virtual absl::Status DeleteDeadline(DeadlineKind kind, absl::Time due,
                                      absl::string_view referral_id) = 0;
  // The same for one item of a rectification ledger.
  virtual absl::Status PutItemDeadline(absl::Time due,
                                       absl::string_view referral_id,
                                       uint32_t item_number) = 0;
  virtual absl::Status DeleteItemDeadline(absl::Time due,
                                          absl::string_view referral_id,
                                          uint32_t item_number) = 0;

  // Distributions (通报 / 分送), indexed by sender.
  virtual absl::Status PutDistribution(
      const ::supervision::v1::StoredDistribution& distribution) = 0;
  virtual absl::StatusOr<std::optional<::supervision::v1::StoredDistribution>>
  GetDistribution(absl::string_view distribution_id) = 0;

  // Adds each delta to its counter (a missing counter counts from 0)
  // without reading it: the pre-counted figures statistics read. Keys are
  // the caller's; see Store::ReadCounters.
  virtual absl::Status AddToCounters(
      const std::vector<std::pair<std::string, int64_t>>& deltas) = 0;

  // One item of a problem list's rectification ledger, or nullopt.
  virtual absl::StatusOr<std::optional<::supervision::v1::RectificationItem>>
  GetRectificationItem(absl::string_view referral_id, uint32_t number) = 0;
  // Creates or replaces the item numbered item.number() of the referral.
  virtual absl::Status PutRectificationItem(
      absl::string_view referral_id,
      const ::supervision::v1::RectificationItem& item) = 0;
};

using TransactionBody = std::function<absl::Status(Transaction&)>;
using DurableCallback = std::function<void(absl::Status)>;

// One page of referral ids, newest first.
struct ReferralIdPage {
  std::vector<std::string> referral_ids;
  // Pass back as `before_id` for the next page; empty at the end.
  std::string next_before_id;
};

// What one WAL fsync made durable, for metrics.
struct CommitReport {
  // The fsync itself.
  absl::Duration fsync_time;
  // Per transaction made durable by it: from Apply until the writer took it
  // up (time spent queued behind earlier groups)...
  std::vector<absl::Duration> queued;
  // ...and from Apply until the fsync returned (the whole durable commit,
  // before the reply).
  std::vector<absl::Duration> committed;
};

// Durable storage of the hub. Thread-safe.
class Store {
 public:
  virtual ~Store() = default;

  // Runs `body` in a transaction and makes its writes durable (fsynced)
  // together with those of concurrent callers. `done` is called exactly once:
  // with OK only after the writes are on disk; with body's error if the body
  // failed (none of its writes happen); with UNAVAILABLE if the write failed.
  // Callbacks run in commit order on the store's completion thread and must
  // not block.
  virtual void Apply(TransactionBody body, DurableCallback done) = 0;

  // Apply that waits for the result. Not for gRPC callback threads.
  absl::Status ApplyAndWait(TransactionBody body);

  // Committed state, outside any transaction: as of the last fsync, so a
  // reader never sees a write that is not yet durable.
  virtual absl::StatusOr<std::optional<::supervision::v1::Referral>>
  GetReferral(absl::string_view referral_id) = 0;
  virtual absl::StatusOr<::supervision::v1::Lead> GetLead(
      absl::string_view referral_id) = 0;
  // Referral ids where `agency_id` is on `side`, newest first, starting below
  // `before_id` (empty: from the newest), at most `limit`.
  virtual absl::StatusOr<ReferralIdPage> ListReferralIds(
      absl::string_view agency_id, Side side, absl::string_view before_id,
      size_t limit) = 0;
  // Unacknowledged inbox entries with sequence > after_sequence, in order,
  // at most `limit`. Entries carry the event, not the referral.
  virtual absl::StatusOr<std::vector<::supervision::v1::InboxEntry>> ReadInbox(
      absl::string_view agency_id, uint64_t after_sequence, size_t limit) = 0;
  // Events with sequence >= from_sequence, in order, at most `limit`.
  virtual absl::StatusOr<std::vector<::supervision::v1::Event>> ReadEvents(
      uint64_t from_sequence, size_t limit) = 0;
  // Sequences of the events that match `filter`, ascending, after
  // `after_sequence`, at most `limit`; fewer means there are no more. Served
  // from indexes: the cost grows with the page (and, with a referral id,
  // with that referral's events), not with the history.
  virtual absl::StatusOr<std::vector<uint64_t>> QueryEvents(
      const EventFilter& filter, uint64_t after_sequence, size_t limit) = 0;
  // The stored bytes of one event (what its leaf hash is computed from).
  virtual absl::StatusOr<std::string> ReadEventBytes(uint64_t sequence) = 0;
  // The DER signing certificate kept under `sha256`, or nullopt.
  virtual absl::StatusOr<std::optional<std::string>> GetSigningCertificate(
      absl::string_view sha256) = 0;
  // How many events there are (the transparency log's size).
  virtual absl::StatusOr<uint64_t> EventCount() = 0;
  // The hash of the perfect subtree of 2^level leaves starting at leaf
  // index * 2^level, as stored when its last leaf was appended.
  virtual absl::StatusOr<std::string> PerfectSubtreeHash(uint64_t level,
                                                         uint64_t index) = 0;

  // Items of a referral's rectification ledger numbered after
  // `after_number`, in number order, at most `limit`.
  virtual absl::StatusOr<std::vector<::supervision::v1::RectificationItem>>
  ListRectificationItems(absl::string_view referral_id, uint32_t after_number,
                         size_t limit) = 0;

  virtual absl::StatusOr<std::optional<::supervision::v1::StoredDistribution>>
  GetDistribution(absl::string_view distribution_id) = 0;
  // Distribution ids of one sender, newest first, below `before_id` (empty:
  // from the newest), at most `limit`.
  virtual absl::StatusOr<ReferralIdPage> ListDistributionIds(
      absl::string_view sender_agency_id, absl::string_view before_id,
      size_t limit) = 0;

  // Counters with keys in [from_key, to_key), in key order, at most
  // `limit`, as committed (see Transaction::AddToCounters).
  virtual absl::StatusOr<std::vector<std::pair<std::string, int64_t>>>
  ReadCounters(absl::string_view from_key, absl::string_view to_key,
               size_t limit) = 0;

  // Watch-list entries (see ReferralDeriver) whose key starts with `prefix`
  // and sorts after `after_key` (empty: from the first), in key order, at
  // most `limit`, as committed. FAILED_PRECONDITION from a store opened
  // without a deriver (which does not keep the list), as for the index.
  virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  ReadWatchList(absl::string_view prefix, absl::string_view after_key,
                size_t limit) = 0;

  // Index keys (see ReferralDeriver) that start with `prefix` and sort
  // before `before_key` (empty: from the last), in descending key order, at
  // most `limit`, as committed.
  virtual absl::StatusOr<std::vector<std::string>> ScanReferralIndex(
      absl::string_view prefix, absl::string_view before_key, size_t limit) = 0;

  // Deadlines due at or before `now`, earliest first, at most `limit`.
  virtual absl::StatusOr<std::vector<Deadline>> DeadlinesDue(absl::Time now,
                                                             size_t limit) = 0;
  // All referral ids, newest first, below `before_id`, at most `limit`.
  virtual absl::StatusOr<ReferralIdPage> ScanReferralIds(
      absl::string_view before_id, size_t limit) = 0;
  virtual absl::StatusOr<InboxSummary> SummarizeInbox(
      absl::string_view agency_id) = 0;
  // Dead letters of one agency (or all, if empty), after `after_key` (an
  // opaque position from the previous page; empty for the first).
  virtual absl::StatusOr<std::vector<DeadLetterRecord>> ListDeadLetters(
      absl::string_view agency_id, absl::string_view after_key,
      size_t limit) = 0;

  // Checks the whole event chain: every event's previous_event_sha256 matches
  // the stored bytes of the one before, sequences have no gaps.
  virtual absl::Status VerifyEventChain() = 0;

  // OK, or the first damage found in the stored data (DATA_LOSS: a read, a
  // scrub or a background compaction met a checksum that did not match or
  // a record that did not parse). Once damaged, the store refuses every
  // write (FAILED_PRECONDITION) until the data directory is restored.
  virtual absl::Status Health() = 0;

  // Verifies the checksum of every block of every table file, at most
  // `bytes_per_second` (0: as fast as the disk goes), stopping early when
  // `keep_going` returns false. Damage found is reported by Health() from
  // then on, and listed in the report. Fails only if the pass could not
  // run.
  virtual absl::StatusOr<ScrubReport> Scrub(
      uint64_t bytes_per_second, const std::function<bool()>& keep_going) = 0;

  // Writes a consistent copy of the whole database to `directory`, which
  // must not exist yet (a RocksDB checkpoint: hard links where the
  // filesystem allows, so it is quick and may be taken while serving), mode
  // 0700 and marked as a backup (backup_marker.h).
  virtual absl::Status CreateCheckpoint(const std::string& directory) = 0;

  // Rewrites the stored files so that no overwritten or deleted value
  // survives in any of them (RocksDB: writes the write buffers out, then
  // compacts every column family to its last level, after which the old
  // files and write-ahead logs are deleted). For after every record was
  // written again under a new key: until then the old forms stay on disk.
  // Blocks for as long as it takes (minutes on a large directory), while
  // the store keeps serving.
  virtual absl::Status RewriteAllFiles() = 0;

  // Called after each WAL fsync with what it made durable. Set once, before
  // the first Apply. Runs on the store's sync thread; must not block.
  virtual void SetWriteObserver(
      std::function<void(const CommitReport&)> observer) = 0;

  // Called after each durable commit with the agencies whose inbox grew,
  // before the commit's `done` callbacks. Set once, before the first Apply.
  // Runs on the store's completion thread; must not block.
  virtual void SetInboxListener(
      std::function<void(const std::vector<std::string>&)> listener) = 0;
};

struct RocksDbStoreOptions {
  // Directory of the database; created if missing.
  std::string path;
  // Referral ids are "<id_prefix>-<10-digit number>", e.g. the hub id; after
  // a confirmed restore "<id_prefix>-<generation>-<number>" (see
  // SetIdGeneration), which sorts after every id of earlier generations.
  std::string id_prefix = "sx";
  // Open a data directory that carries a backup marker, to record its
  // restore. Otherwise such a directory is refused (FAILED_PRECONDITION).
  bool confirming_restore = false;
  // Most transactions gathered into one fsynced write.
  size_t max_group_size = 512;
  // Hash of the transparency log: "sha256" or "sm3". Fixed for the life of
  // a database; opening with another fails.
  std::string log_hash = "sha256";
  // Writes are refused (RESOURCE_EXHAUSTED) while the filesystem of `path`
  // has less free space than this, so that RocksDB never hits a full disk
  // (its recovery from one is fragile). 0 disables the check.
  uint64_t min_free_bytes = 64ull << 20;
  // Called (on a store thread) when the store cannot write any more: after
  // a failed WAL write or fsync (the free-space reserve keeps a full disk
  // from getting that far). The store then refuses every write until it is
  // reopened. The hub exits here so that its supervisor
  // restarts it; everything acknowledged is on disk already.
  std::function<void(const absl::Status&)> on_unrecoverable_write_error;
  // Called once (on whichever thread found it; must not block) with the
  // first damage Health() reports.
  std::function<void(const absl::Status&)> on_damage;
  // What the store derives from each referral as it is written (counters,
  // watch list). Without one it derives nothing, and a later open with one
  // derives everything again.
  ReferralDeriver referral_deriver;
  // For fault tests: a RocksDB environment to do all file I/O through (e.g.
  // one that simulates power loss). Not owned; must outlive the store.
  rocksdb::Env* env = nullptr;
};

// Opens (or creates, mode 0700) the RocksDB-backed store. Fails with a clear
// message if the write-ahead log is corrupted anywhere but at its tail, or if
// the directory is a restored backup whose restore is not being confirmed.
absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(
    const RocksDbStoreOptions& options);

}  // namespace sx::storage
