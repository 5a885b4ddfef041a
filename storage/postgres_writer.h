// The PostgreSQL store's write path: group commit on one connection.
//
//   writer:    takes every waiting transaction (up to max_group_size), runs
//              their bodies one after another with their writes kept in
//              memory (a failed body's are dropped; reads go to the
//              database only for rows the group has not written), then
//              sends all the writes as one database transaction of a few
//              multi-row statements in one round trip: its COMMIT returns
//              after the commit record is flushed (and confirmed by a
//              synchronous standby, if the server has one), so one flush
//              and one round trip serve the whole group;
//   completer: tells inboxes that grew and calls each transaction's `done`,
//              while the writer runs the next group.
//
// If the connection is lost, the group's transactions fail with
// UNAVAILABLE and the next group connects again (to whichever host the
// conninfo finds writable, after a failover) and takes the write lock
// again; if another hub holds it by then, this writer is done for good. A commit whose outcome is
// unknown is reported as UNAVAILABLE too: the client's retry with the same
// request id finds the request record if it did commit.
#pragma once

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
#include "storage/damage_record.h"
#include "storage/postgres_connection.h"
#include "storage/postgres_pending_writes.h"
#include "sx/storage/postgres_store.h"
#include "sx/storage/store.h"
#include "sx/transparency/merkle_hasher.h"

namespace sx::storage {

class PostgresWriter {
 public:
  // `hasher` must outlive the writer. `connection` holds the write lock
  // (postgres_write_lock.h); a connection made later takes it again.
  PostgresWriter(const PostgresStoreOptions& options, std::string id_prefix,
                 std::string application_name,
                 const transparency::MerkleHasher& hasher,
                 std::shared_ptr<DamageRecord> damage,
                 std::unique_ptr<PgConnection> connection);
  // Finishes every transaction queued so far, then stops.
  ~PostgresWriter();
  PostgresWriter(const PostgresWriter&) = delete;
  PostgresWriter& operator=(const PostgresWriter&) = delete;

  void Apply(TransactionBody body, DurableCallback done);
  void SetWriteObserver(std::function<void(const CommitReport&)> observer);
  void SetInboxListener(
      std::function<void(const std::vector<std::string>&)> listener);

 private:
  struct Pending {
    TransactionBody body;
    DurableCallback done;
    absl::Time applied;
  };
  struct Finished {
    std::vector<DurableCallback> callbacks;
    std::vector<absl::Status> results;
    std::vector<std::string> grown_inboxes;
    CommitReport report;
  };

  void WriterLoop();
  void CompleterLoop();
  Finished CommitGroup(std::vector<Pending>& group);
  // Runs the bodies, gathering the writes of those that succeed.
  void RunBodies(std::vector<Pending>& group, PgPendingWrites& group_writes,
                 std::vector<absl::Status>& results,
                 std::vector<std::string>& grown_inboxes);
  // Remembers the committed rows of the tables the writer keeps knowing.
  void KeepKnown(const PgPendingWrites& committed);
  bool HasQueuedOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !queue_.empty() || stopping_;
  }
  bool HasFinishedOrWriterDone() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !finished_.empty() || writer_done_;
  }
  // A usable connection with the store's session settings, holding the
  // write lock, or why not.
  absl::Status Connected();
  absl::Status SetUp(PgConnection& connection);
  // Tells on_reachability of a change.
  void NoteReachable(const absl::Status& status);

  const PostgresStoreOptions options_;
  const std::string id_prefix_;
  const std::string application_name_;
  const transparency::MerkleHasher& hasher_;
  const std::shared_ptr<DamageRecord> damage_;
  // Writer thread only.
  std::unique_ptr<PgConnection> connection_;
  bool set_up_ = false;
  absl::Time next_connect_ = absl::InfinitePast();
  absl::Status last_connect_error_;
  // Set once another hub took the write lock: nothing can be written again.
  absl::Status lock_lost_;
  // What on_reachability was last told.
  bool reachable_ = true;
  // Rows whose committed value this writer knows, as the only writer: read
  // by nearly every transaction, they need not be read again. Forgotten
  // whenever the connection is replaced.
  PgPendingWrites known_;

  mutable absl::Mutex mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mu_);
  std::deque<Finished> finished_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool writer_done_ ABSL_GUARDED_BY(mu_) = false;
  std::function<void(const std::vector<std::string>&)> inbox_listener_
      ABSL_GUARDED_BY(mu_);
  std::function<void(const CommitReport&)> write_observer_ ABSL_GUARDED_BY(mu_);

  // Last members: start after everything above is initialized.
  std::thread writer_;
  std::thread completer_;
};

}  // namespace sx::storage
