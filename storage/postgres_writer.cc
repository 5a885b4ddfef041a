#include "storage/postgres_writer.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/postgres_transaction.h"
#include "storage/postgres_write_lock.h"
#include "sx/base/status_macros.h"

namespace sx::storage {
namespace {

// After a failed connection attempt, groups fail at once for this long
// instead of each waiting out a connect timeout: callers hear UNAVAILABLE
// quickly and retry, perhaps on another hub. It also bounds how long a
// promoted standby waits for the hub after a database failover.
constexpr absl::Duration kReconnectPause = absl::Milliseconds(250);

// How many transparency log nodes the writer keeps knowing: about two per
// event, so a few thousand events' worth.
constexpr size_t kMaxKnownMerkleNodes = 8192;

absl::Status Unavailable(absl::string_view why, const absl::Status& cause) {
  return absl::UnavailableError(
      absl::StrCat("storage: ", why, ": ", cause.message()));
}

}  // namespace

PostgresWriter::PostgresWriter(const PostgresStoreOptions& options,
                               std::string id_prefix,
                               std::string application_name,
                               const transparency::MerkleHasher& hasher,
                               std::shared_ptr<DamageRecord> damage,
                               std::unique_ptr<PgConnection> connection)
    : options_(options),
      id_prefix_(std::move(id_prefix)),
      application_name_(std::move(application_name)),
      hasher_(hasher),
      damage_(std::move(damage)),
      connection_(std::move(connection)),
      writer_([this] { WriterLoop(); }),
      completer_([this] { CompleterLoop(); }) {}

PostgresWriter::~PostgresWriter() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  writer_.join();
  completer_.join();
  // Closing the connection releases the write lock only once the server's
  // backend has exited, a moment after PQfinish returns; released here, the
  // lock is free when the store is gone, so a hub (or an export or import)
  // started right after finds it free. If this fails, the connection is
  // gone and the lock with it; a cut network holds the stop up for at most
  // connect_timeout.
  if (connection_ != nullptr && connection_->usable()) {
    connection_->LimitUnacknowledgedTime(options_.connect_timeout);
    connection_
        ->Run("release the write lock", "SELECT pg_advisory_unlock_all()")
        .IgnoreError();
  }
}

void PostgresWriter::Apply(TransactionBody body, DurableCallback done) {
  absl::MutexLock lock(&mu_);
  queue_.push_back({std::move(body), std::move(done), absl::Now()});
}

void PostgresWriter::SetWriteObserver(
    std::function<void(const CommitReport&)> observer) {
  absl::MutexLock lock(&mu_);
  write_observer_ = std::move(observer);
}

void PostgresWriter::SetInboxListener(
    std::function<void(const std::vector<std::string>&)> listener) {
  absl::MutexLock lock(&mu_);
  inbox_listener_ = std::move(listener);
}

absl::Status PostgresWriter::SetUp(PgConnection& connection) {
  // The commit must wait for the flush (and the synchronous standby):
  // whatever the server's or the role's default says.
  return connection.Exec(
      "set synchronous_commit",
      absl::StrCat("SET synchronous_commit = '", options_.synchronous_commit,
                   "'"));
}

absl::Status PostgresWriter::Connected() {
  if (!lock_lost_.ok()) return lock_lost_;
  if (connection_ != nullptr && connection_->usable()) {
    // The connection the store opened with holds the lock already.
    if (!set_up_) {
      const absl::Status set_up = SetUp(*connection_);
      if (!set_up.ok()) return Unavailable("the database failed", set_up);
      set_up_ = true;
    }
    return absl::OkStatus();
  }
  connection_.reset();
  if (absl::Now() < next_connect_) return last_connect_error_;
  absl::StatusOr<std::unique_ptr<PgConnection>> connected =
      PgConnection::Connect(options_.conninfo, options_.connect_timeout,
                            application_name_);
  absl::Status status = connected.status();
  absl::StatusOr<bool> locked = false;
  if (status.ok()) status = SetUp(**connected);
  if (status.ok()) {
    locked = TryWriteLock(**connected);
    status = locked.status();
  }
  if (!status.ok()) {
    next_connect_ = absl::Now() + kReconnectPause;
    last_connect_error_ = Unavailable("the database is unreachable", status);
    NoteReachable(last_connect_error_);
    return last_connect_error_;
  }
  NoteReachable(absl::OkStatus());
  if (!*locked) {
    lock_lost_ = absl::UnavailableError(absl::StrCat(
        "storage: another hub took the database's write lock (",
        WriteLockHolder(**connected),
        ") while this one was disconnected: this hub no longer writes"));
    if (options_.on_write_lock_lost) options_.on_write_lock_lost(lock_lost_);
    return lock_lost_;
  }
  connection_ = *std::move(connected);
  set_up_ = true;
  // Another hub may have written while this one was away.
  known_ = PgPendingWrites();
  return absl::OkStatus();
}

void PostgresWriter::RunBodies(std::vector<Pending>& group,
                               PgPendingWrites& group_writes,
                               std::vector<absl::Status>& results,
                               std::vector<std::string>& grown_inboxes) {
  for (size_t i = 0; i < group.size(); ++i) {
    PgPendingWrites body_writes;
    PostgresTransaction txn(*connection_, body_writes, group_writes, known_,
                            id_prefix_, hasher_, options_.referral_deriver);
    results[i] = damage_->Observe(group[i].body(txn));
    // A failed body's writes never leave memory: nothing to undo.
    if (!results[i].ok()) continue;
    group_writes.Absorb(std::move(body_writes));
    grown_inboxes.insert(grown_inboxes.end(), txn.grown_inboxes().begin(),
                         txn.grown_inboxes().end());
  }
}

void PostgresWriter::KeepKnown(const PgPendingWrites& committed) {
  for (int table = 0; table < kPgTableCount; ++table) {
    const auto kind = static_cast<PgTable>(table);
    if (PostgresTransaction::KeepsKnown(kind)) {
      known_.AbsorbTable(kind, committed);
    }
  }
  // Only the newest nodes are read again (the left siblings of the next
  // leaves): the rest need not stay in memory.
  if (known_.RowsOf(PgTable::kMerkleNodes) > kMaxKnownMerkleNodes) {
    known_.ClearTable(PgTable::kMerkleNodes);
  }
}

PostgresWriter::Finished PostgresWriter::CommitGroup(
    std::vector<Pending>& group) {
  Finished finished;
  const absl::Time taken = absl::Now();
  finished.results.assign(group.size(), absl::OkStatus());
  absl::Status broken = Connected();
  PgPendingWrites group_writes;
  if (broken.ok()) {
    RunBodies(group, group_writes, finished.results, finished.grown_inboxes);
    // A body's read may have met a lost connection: then none of the
    // group can commit.
    if (!connection_->usable()) {
      broken = Unavailable("the database connection was lost",
                           absl::UnavailableError(connection_->host()));
    }
  }
  absl::Time committed = absl::Now();
  if (broken.ok() && !group_writes.empty()) {
    const absl::Time commit_start = absl::Now();
    bool outcome_unknown = false;
    const absl::Status commit = connection_->RunTransaction(
        group_writes.Statements(), &outcome_unknown);
    committed = absl::Now();
    finished.report.fsync_time = committed - commit_start;
    if (outcome_unknown) {
      broken = absl::UnavailableError(absl::StrCat(
          "storage: whether the database committed is unknown (",
          commit.message(),
          "); a retry with the same request id finds out"));
    } else if (!commit.ok()) {
      broken = Unavailable("the database transaction failed", commit);
    } else {
      KeepKnown(group_writes);
    }
  }
  for (size_t i = 0; i < group.size(); ++i) {
    if (!broken.ok() && finished.results[i].ok()) finished.results[i] = broken;
    finished.callbacks.push_back(std::move(group[i].done));
    // The report is of what the commit made durable: not failed bodies.
    if (!finished.results[i].ok()) continue;
    finished.report.queued.push_back(taken - group[i].applied);
    finished.report.committed.push_back(committed - group[i].applied);
  }
  if (!broken.ok()) {
    finished.grown_inboxes.clear();
    if (connection_ != nullptr && !connection_->usable()) {
      NoteReachable(broken);
    }
    // Connect again for the next group, even if this connection still
    // stands: the server may have become a read-only standby after a
    // failover, and a new connection finds the new primary.
    connection_.reset();
    known_ = PgPendingWrites();
  }
  return finished;
}

void PostgresWriter::NoteReachable(const absl::Status& status) {
  if (status.ok() == reachable_) return;
  reachable_ = status.ok();
  if (options_.on_reachability) options_.on_reachability(status);
}

void PostgresWriter::WriterLoop() {
  for (;;) {
    std::vector<Pending> group;
    {
      absl::MutexLock lock(&mu_);
      // While the database is unreachable, try it again now and then even
      // without writes (outside the lock: Apply goes on meanwhile).
      while (!reachable_ && lock_lost_.ok() &&
             !mu_.AwaitWithTimeout(
                 absl::Condition(this, &PostgresWriter::HasQueuedOrStopping),
                 kReconnectPause)) {
        mu_.Unlock();
        Connected().IgnoreError();
        mu_.Lock();
      }
      mu_.Await(absl::Condition(this, &PostgresWriter::HasQueuedOrStopping));
      if (queue_.empty()) {
        writer_done_ = true;
        return;
      }
      while (!queue_.empty() && group.size() < options_.max_group_size) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    Finished finished = CommitGroup(group);
    absl::MutexLock lock(&mu_);
    finished_.push_back(std::move(finished));
  }
}

void PostgresWriter::CompleterLoop() {
  for (;;) {
    Finished finished;
    std::function<void(const std::vector<std::string>&)> inbox_listener;
    std::function<void(const CommitReport&)> write_observer;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(
          absl::Condition(this, &PostgresWriter::HasFinishedOrWriterDone));
      if (finished_.empty()) return;
      finished = std::move(finished_.front());
      finished_.pop_front();
      inbox_listener = inbox_listener_;
      write_observer = write_observer_;
    }
    if (write_observer && !finished.report.committed.empty()) {
      write_observer(finished.report);
    }
    if (inbox_listener && !finished.grown_inboxes.empty()) {
      inbox_listener(finished.grown_inboxes);
    }
    for (size_t i = 0; i < finished.callbacks.size(); ++i) {
      finished.callbacks[i](std::move(finished.results[i]));
    }
  }
}

}  // namespace sx::storage
