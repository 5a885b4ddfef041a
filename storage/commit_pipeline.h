// The store's write path: a three-stage pipeline of threads that turns
// queued transactions into fsynced RocksDB writes.
//
//   writer:    runs the bodies of every waiting transaction against one
//              indexed batch, in arrival order, and writes the batch to the
//              WAL without syncing it;
//   syncer:    fsyncs the WAL once for every group written since its last
//              sync (group commit), then publishes a snapshot of the state
//              those groups left, for readers;
//   completer: tells inboxes that grew and calls each transaction's `done`.
//
// The stages overlap: the next group's bodies run while the previous
// group's fsync is in flight (its WAL write then waits for that fsync to
// end: see wal_mu_), and replies go out while the next fsync runs.
// The WAL is written in order, so a crash can only lose a suffix of groups,
// and a group is acknowledged only after a sync that started after it was
// written. A body may read writes that are not yet durable (they precede
// its own in the WAL, so it cannot be acknowledged without them); readers
// outside transactions see only the durable snapshot.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "rocksdb/db.h"
#include "storage/column_families.h"
#include "sx/storage/store.h"
#include "sx/transparency/merkle_hasher.h"

namespace sx::storage {

class CommitPipeline {
 public:
  // `db`, `cfs` and `hasher` must outlive the pipeline.
  CommitPipeline(const RocksDbStoreOptions& options, rocksdb::DB& db,
                 const ColumnFamilies& cfs,
                 const transparency::MerkleHasher& hasher);
  // Finishes every transaction queued so far, then stops the threads and
  // releases the snapshots (so the database can be closed after this).
  ~CommitPipeline();

  CommitPipeline(const CommitPipeline&) = delete;
  CommitPipeline& operator=(const CommitPipeline&) = delete;

  // See Store::Apply.
  void Apply(TransactionBody body, DurableCallback done);

  // The database as of the last successful fsync. Hold it while reading.
  std::shared_ptr<const rocksdb::Snapshot> DurableSnapshot() const;

  void SetWriteObserver(std::function<void(const CommitReport&)> observer);
  void SetInboxListener(
      std::function<void(const std::vector<std::string>&)> listener);

 private:
  struct Pending {
    TransactionBody body;
    DurableCallback done;
    absl::Time applied;
  };
  // One group after the writer: its results, and what it left in the WAL.
  struct Written {
    std::vector<DurableCallback> callbacks;
    std::vector<absl::Status> results;
    // Agencies whose inbox the group's committed bodies appended to.
    std::vector<std::string> grown_inboxes;
    // The state right after this group's write; null if it wrote nothing.
    std::shared_ptr<const rocksdb::Snapshot> snapshot;
    // When each transaction was applied, and when the writer took them up.
    std::vector<absl::Time> applied;
    absl::Time taken;
  };

  void WriterLoop();
  void SyncerLoop();
  void CompleterLoop();

  // Runs the group's bodies and writes their batch unsynced.
  Written WriteGroup(std::vector<Pending>& group);
  // Records that the WAL failed: from now on every write is refused.
  absl::Status BreakWal(const absl::Status& cause)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(wal_mu_);
  // Refuses a write that would leave less than min_free_bytes free.
  absl::Status CheckFreeSpace(uint64_t write_bytes) const;
  std::shared_ptr<const rocksdb::Snapshot> TakeSnapshot();
  // What one fsync made durable, for the write observer.
  static CommitReport Report(const std::deque<Written>& groups,
                             absl::Time sync_start, absl::Time sync_end);

  bool HasQueuedOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !queue_.empty() || stopping_;
  }
  bool HasWrittenOrWriterDone() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !written_.empty() || writer_done_;
  }
  bool HasSyncedOrSyncerDone() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !synced_.empty() || syncer_done_;
  }

  const RocksDbStoreOptions options_;
  rocksdb::DB& db_;
  const ColumnFamilies& cfs_;
  const transparency::MerkleHasher& hasher_;

  mutable absl::Mutex mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mu_);
  std::deque<Written> written_ ABSL_GUARDED_BY(mu_);
  std::deque<Written> synced_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool writer_done_ ABSL_GUARDED_BY(mu_) = false;
  bool syncer_done_ ABSL_GUARDED_BY(mu_) = false;
  std::function<void(const std::vector<std::string>&)> inbox_listener_
      ABSL_GUARDED_BY(mu_);
  std::function<void(const CommitReport&)> write_observer_ ABSL_GUARDED_BY(mu_);

  mutable absl::Mutex snapshot_mu_;
  std::shared_ptr<const rocksdb::Snapshot> durable_snapshot_
      ABSL_GUARDED_BY(snapshot_mu_);

  // Serializes WAL writes with WAL syncs: after one of them fails, RocksDB
  // must not be asked for the other (its file writer is in an error state).
  absl::Mutex wal_mu_;
  // Set when a WAL write or sync failed. Whether the unsynced data reached
  // the disk is unknown (and Linux may have dropped the dirty pages), so no
  // later write can be acknowledged either: the store refuses everything
  // until it is reopened and recovers from what the WAL really holds.
  absl::Status wal_failure_ ABSL_GUARDED_BY(wal_mu_);

  // Last members: start after everything above is initialized.
  std::thread writer_;
  std::thread syncer_;
  std::thread completer_;
};

}  // namespace sx::storage
