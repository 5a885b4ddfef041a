#include "storage/commit_pipeline.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rocksdb/perf_level.h"
#include "storage/batch_order.h"
#include "storage/group_batch.h"
#include "storage/rocksdb_status.h"
#include "storage/rocksdb_transaction.h"
#include "sx/base/status_macros.h"

namespace sx::storage {

CommitPipeline::CommitPipeline(const RocksDbStoreOptions& options,
                               rocksdb::DB& db, const ColumnFamilies& cfs,
                               const transparency::MerkleHasher& hasher)
    : options_(options),
      db_(db),
      cfs_(cfs),
      hasher_(hasher),
      durable_snapshot_(TakeSnapshot()),
      writer_([this] { WriterLoop(); }),
      syncer_([this] { SyncerLoop(); }),
      completer_([this] { CompleterLoop(); }) {}

CommitPipeline::~CommitPipeline() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  // Each stage finishes what the one before handed it, then stops.
  writer_.join();
  syncer_.join();
  completer_.join();
  absl::MutexLock lock(&snapshot_mu_);
  durable_snapshot_.reset();
}

void CommitPipeline::Apply(TransactionBody body, DurableCallback done) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      queue_.push_back({std::move(body), std::move(done), absl::Now()});
      return;
    }
  }
  done(absl::UnavailableError("storage: the store is shutting down"));
}

std::shared_ptr<const rocksdb::Snapshot> CommitPipeline::DurableSnapshot()
    const {
  absl::MutexLock lock(&snapshot_mu_);
  return durable_snapshot_;
}

void CommitPipeline::SetWriteObserver(
    std::function<void(const CommitReport&)> observer) {
  absl::MutexLock lock(&mu_);
  write_observer_ = std::move(observer);
}

void CommitPipeline::SetInboxListener(
    std::function<void(const std::vector<std::string>&)> listener) {
  absl::MutexLock lock(&mu_);
  inbox_listener_ = std::move(listener);
}

std::shared_ptr<const rocksdb::Snapshot> CommitPipeline::TakeSnapshot() {
  rocksdb::DB* db = &db_;
  return std::shared_ptr<const rocksdb::Snapshot>(
      db->GetSnapshot(), [db](const rocksdb::Snapshot* snapshot) {
        db->ReleaseSnapshot(snapshot);
      });
}

void CommitPipeline::WriterLoop() {
  // RocksDB's per-thread perf counters cost a thread-local lookup on every
  // memtable insert; nothing here reads them.
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  for (;;) {
    std::vector<Pending> group;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &CommitPipeline::HasQueuedOrStopping));
      if (queue_.empty()) {  // stopping, and everything is written
        writer_done_ = true;
        return;
      }
      const size_t count = std::min(queue_.size(), options_.max_group_size);
      group.reserve(count);
      for (size_t i = 0; i < count; ++i) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    const absl::Time taken = absl::Now();
    Written written = WriteGroup(group);
    written.taken = taken;
    absl::MutexLock lock(&mu_);
    written_.push_back(std::move(written));
  }
}

CommitPipeline::Written CommitPipeline::WriteGroup(
    std::vector<Pending>& group) {
  Written written;
  written.callbacks.reserve(group.size());
  written.results.reserve(group.size());
  for (Pending& pending : group) {
    written.callbacks.push_back(std::move(pending.done));
    written.applied.push_back(pending.applied);
  }
  // Nothing of this group reaches the WAL: every caller may retry.
  auto fail_all = [&](const absl::Status& cause) {
    written.results.assign(group.size(), cause);
    written.grown_inboxes.clear();
    return std::move(written);
  };

  GroupBatch batch;
  for (Pending& pending : group) {
    batch.SetSavePoint();
    RocksDbTransaction txn(db_, cfs_, batch, options_.id_prefix, hasher_,
                           options_.referral_deriver);
    absl::Status status = pending.body(txn);
    if (status.ok()) {
      batch.PopSavePoint().IgnoreError();  // the save point was just set
      written.grown_inboxes.insert(written.grown_inboxes.end(),
                                   txn.grown_inboxes().begin(),
                                   txn.grown_inboxes().end());
    } else {
      absl::Status rollback = batch.RollbackToSavePoint();
      if (!rollback.ok()) {
        // Cannot separate this body's writes from the others': fail the
        // whole group rather than commit half a transaction.
        return fail_all(rollback);
      }
    }
    written.results.push_back(std::move(status));
  }
  if (batch.write_batch().Count() == 0) return written;

  absl::Status status;
  {
    absl::MutexLock lock(&wal_mu_);
    status = wal_failure_;
    if (status.ok()) {
      status = CheckFreeSpace(batch.write_batch().GetDataSize());
    }
    if (status.ok()) {
      // Unsynced: the syncer makes it durable before anyone hears of it.
      // In key order if it can be (batch_order.h): the same writes, cheaper
      // memtable inserts.
      std::optional<rocksdb::WriteBatch> sorted =
          InKeyOrder(batch.write_batch(), cfs_);
      status = FromRocksDb(
          db_.Write(rocksdb::WriteOptions(),
                    sorted.has_value() ? &*sorted : &batch.write_batch()),
          "WAL write");
      if (!status.ok()) status = BreakWal(status);
    }
  }
  if (!status.ok()) return fail_all(status);
  // Only this thread writes, so the snapshot is exactly this group's state.
  written.snapshot = TakeSnapshot();
  return written;
}

absl::Status CommitPipeline::BreakWal(const absl::Status& cause) {
  wal_failure_ = absl::UnavailableError(absl::StrCat(
      cause.message(),
      "; whether the latest writes reached the disk is unknown, so the store "
      "refuses writes until the hub restarts and recovers from its log"));
  if (options_.on_unrecoverable_write_error) {
    options_.on_unrecoverable_write_error(wal_failure_);
  }
  return wal_failure_;
}

absl::Status CommitPipeline::CheckFreeSpace(uint64_t write_bytes) const {
  if (options_.min_free_bytes == 0) return absl::OkStatus();
  struct statvfs stats;
  if (statvfs(options_.path.c_str(), &stats) != 0) return absl::OkStatus();
  const uint64_t available =
      static_cast<uint64_t>(stats.f_bavail) * stats.f_frsize;
  if (available >= options_.min_free_bytes + write_bytes) {
    return absl::OkStatus();
  }
  return absl::ResourceExhaustedError(absl::StrCat(
      "storage: only ", available >> 20, " MiB free under ", options_.path,
      ", below the reserve of ", options_.min_free_bytes >> 20,
      " MiB; free disk space (or lower limits.min_free_disk_megabytes) "
      "and retry"));
}

void CommitPipeline::SyncerLoop() {
  for (;;) {
    std::deque<Written> groups;
    std::function<void(const CommitReport&)> observer;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &CommitPipeline::HasWrittenOrWriterDone));
      if (written_.empty()) {  // the writer stopped, and all is synced
        syncer_done_ = true;
        return;
      }
      groups.swap(written_);
      observer = write_observer_;
    }
    std::shared_ptr<const rocksdb::Snapshot> newest;
    for (const Written& group : groups) {
      if (group.snapshot != nullptr) newest = group.snapshot;
    }
    absl::Status failure;
    if (newest != nullptr) {
      absl::MutexLock lock(&wal_mu_);
      failure = wal_failure_;
      if (failure.ok()) {
        // One fsync for every group written since the last: group commit.
        const absl::Time start = absl::Now();
        absl::Status synced = FromRocksDb(db_.SyncWAL(), "WAL sync");
        if (observer) observer(Report(groups, start, absl::Now()));
        if (synced.ok()) {
          absl::MutexLock snapshot_lock(&snapshot_mu_);
          durable_snapshot_ = std::move(newest);
        } else {
          failure = BreakWal(synced);
        }
      }
    }
    if (!failure.ok()) {
      // Written before a failed write or sync, or by it: never
      // acknowledged, and nothing these bodies saw may be reported either.
      for (Written& group : groups) {
        group.results.assign(group.callbacks.size(), failure);
        group.grown_inboxes.clear();
      }
    }
    absl::MutexLock lock(&mu_);
    for (Written& group : groups) synced_.push_back(std::move(group));
  }
}

CommitReport CommitPipeline::Report(const std::deque<Written>& groups,
                                    absl::Time sync_start,
                                    absl::Time sync_end) {
  CommitReport report;
  report.fsync_time = sync_end - sync_start;
  for (const Written& group : groups) {
    if (group.snapshot == nullptr) continue;  // wrote nothing
    for (size_t i = 0; i < group.applied.size(); ++i) {
      if (!group.results[i].ok()) continue;  // its writes were rolled back
      report.queued.push_back(group.taken - group.applied[i]);
      report.committed.push_back(sync_end - group.applied[i]);
    }
  }
  return report;
}

void CommitPipeline::CompleterLoop() {
  for (;;) {
    std::deque<Written> groups;
    std::function<void(const std::vector<std::string>&)> listener;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &CommitPipeline::HasSyncedOrSyncerDone));
      if (synced_.empty()) return;  // the syncer stopped, all is reported
      groups.swap(synced_);
      listener = inbox_listener_;
    }
    if (listener) {
      absl::flat_hash_set<std::string> seen;
      std::vector<std::string> grown;
      for (Written& group : groups) {
        for (std::string& agency : group.grown_inboxes) {
          if (seen.insert(agency).second) grown.push_back(std::move(agency));
        }
      }
      if (!grown.empty()) listener(grown);
    }
    for (Written& group : groups) {
      for (size_t i = 0; i < group.callbacks.size(); ++i) {
        group.callbacks[i](std::move(group.results[i]));
      }
      // Let go of this group's snapshot here rather than under the lock.
      group.snapshot.reset();
    }
  }
}

}  // namespace sx::storage
