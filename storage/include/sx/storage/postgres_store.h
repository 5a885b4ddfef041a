// The Store on PostgreSQL (15 or later, or a database that speaks its
// protocol), for a hub whose data must outlive one machine: the database
// replicates it to a synchronous standby, and a hub on another machine can
// carry on from the same database.
//
//   PostgresStoreOptions options;
//   options.conninfo = "host=db1,db2 dbname=sxhub target_session_attrs=read-write";
//   SX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
//                       OpenPostgresStore(options));
//
// The schema is relational, for a DBA to read and report from (one table
// per kind of record, readable key columns beside the protobuf bytes), and
// is created and upgraded by numbered migrations applied at open
// (postgres_schema.cc; deploy/README.md lists the tables).
//
// Writes: one writer connection runs the bodies of every waiting
// transaction inside one database transaction, each under its own
// savepoint (a failed body is rolled back to it), and commits them
// together: group commit. `done(OK)` follows the COMMIT, which returns only
// once the commit record is flushed and, with a synchronous standby
// configured on the server, confirmed by it (`synchronous_commit`).
// Readers use a pool of other connections and see only committed state.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sx/storage/referral_deriver.h"
#include "sx/storage/store.h"

namespace sx::storage {

struct PostgresStoreOptions {
  // libpq connection string or URI. Several hosts with
  // target_session_attrs=read-write reach whichever is the primary after a
  // failover.
  std::string conninfo;
  // As RocksDbStoreOptions::id_prefix.
  std::string id_prefix = "sx";
  // As RocksDbStoreOptions::log_hash: fixed for the life of a database.
  std::string log_hash = "sha256";
  // Connections for reads outside transactions (admin views, inbox reads,
  // audit queries); a read waits for a free one.
  size_t reader_connections = 4;
  // Most hub transactions in one database commit.
  size_t max_group_size = 512;
  // The writer's synchronous_commit: "on" (the commit is flushed on the
  // primary and, where the server has synchronous_standby_names, on the
  // standby) or "remote_apply" (the standby has also applied it, so a read
  // there sees it). Anything weaker could acknowledge a write a crash loses.
  std::string synchronous_commit = "on";
  // How long a connection attempt may take before the store reports the
  // database unreachable (UNAVAILABLE).
  absl::Duration connect_timeout = absl::Seconds(5);
  // As RocksDbStoreOptions::referral_deriver.
  ReferralDeriver referral_deriver;
  // Called once (on whichever thread found it; must not block) with the
  // first damage Health() reports: a stored record that does not parse.
  std::function<void(const absl::Status&)> on_damage;
  // Hubs that share a database take turns: only the one holding the
  // database's write lock writes (postgres_write_lock.h). Open waits until
  // this store holds it, calling this every `report_waiting_every` with
  // who holds it: a standby hub waits there, and takes over once the
  // active one is gone.
  std::function<void(const std::string& holder)> on_waiting_for_write_lock;
  absl::Duration report_waiting_every = absl::Seconds(30);
  // Asked at every try of the write lock (4 times a second) while open
  // waits for it: false ends the wait, and open fails with CANCELLED (a
  // standby hub told to stop). Unset: wait as long as it takes.
  std::function<bool()> keep_waiting_for_write_lock;
  // Called once, on the writer thread, if the writer lost its connection
  // and another hub took the write lock meanwhile: this store can never
  // write again (every write then fails with UNAVAILABLE). The hub exits
  // here, to come back as a standby.
  std::function<void(const absl::Status&)> on_write_lock_lost;
  // Called on the writer thread (must not block) when the database stops
  // or starts answering: with the reason when a connection attempt fails,
  // with OK when one succeeds again. While it is unreachable the writer
  // tries again every second even without writes, so that a hub whose
  // health says NOT_SERVING (and so gets no calls) still finds out.
  std::function<void(const absl::Status&)> on_reachability;
};

// Connects, applies the schema migrations this release knows (refusing a
// database whose schema is newer), checks that log_hash matches the one the
// database was created with, derives the counters and ledger again if the
// deriver's version changed, and waits for the write lock. UNAVAILABLE if
// the database cannot be reached.
absl::StatusOr<std::unique_ptr<Store>> OpenPostgresStore(
    const PostgresStoreOptions& options);

// What a start would find, without changing anything: the database answers
// (UNAVAILABLE if not, with libpq's reason) and its schema is not newer
// than this release's (FAILED_PRECONDITION). For --check-config.
absl::Status CheckPostgresDatabase(const std::string& conninfo,
                                   absl::Duration connect_timeout);

}  // namespace sx::storage
