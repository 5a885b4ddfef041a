// A real PostgreSQL server for tests, listening on 127.0.0.1 at a free port,
// in a temporary directory: one shared by every test of a process, or
// servers of their own for tests that crash and restart them.
//
//   std::string conninfo = TestPostgres::Shared().NewDatabase();
//   // ... open the store on `conninfo`: an empty database of its own ...
//
//   std::unique_ptr<TestPostgres> server = TestPostgres::Start({});
//   server->Kill();     // SIGKILL to every server process: a crash
//   server->Restart();  // crash recovery, same directory and port
//
//   // Streaming replication to a synchronous standby, and a failover:
//   std::unique_ptr<TestPostgres> primary = TestPostgres::StartPrimary({});
//   std::unique_ptr<TestPostgres> standby =
//       TestPostgres::StartStandbyOf(*primary, {});
//   primary->Kill();
//   standby->Promote();  // now the primary; the old one stays dead
//
// Needs the server binaries (postgresql-15, deploy/install-deps.sh) under
// /usr/lib/postgresql/<major>/bin, or SX_POSTGRES_BINDIR naming a directory
// that has them. As root, initdb and the server run as the `postgres` system
// user, since PostgreSQL refuses to run as root.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace sx::testing {

class PostgresWatchdog;

struct TestPostgresOptions {
  // Off, commits skip the flush to disk (and full_page_writes, which only
  // guards against torn pages on a machine crash, goes off with it). A
  // killed server still loses nothing committed either way: the kernel
  // keeps what it was given; only a machine crash could lose it. On, a
  // Restart() after Kill() first flushes the whole data directory (as
  // PostgreSQL does at the start of crash recovery): a few hundred
  // milliseconds, seconds when the disk is busy.
  bool fsync = true;
  // The port to listen on; 0: a free one (a given port that someone else
  // holds fails the start). A standby that takes the place of a killed
  // server takes its port too, so that a conninfo listing both servers
  // stays valid failover after failover.
  int port = 0;
};

// Thread-safety: NewDatabase() and the accessors may be called from any
// thread; Kill(), Restart() and Promote() not while anything else uses
// the server.
class TestPostgres {
 public:
  // The server every test of this process shares (fsync off), started on
  // first use and stopped, with its directory removed, at exit. Tests keep
  // apart by each taking a NewDatabase(). Aborts, printing why and the
  // server log's tail, if it cannot start: a missing PostgreSQL fails the
  // tests, it never skips them.
  static TestPostgres& Shared();
  // A server of its own, for tests that kill and restart it. Aborts as
  // Shared() does if it cannot start.
  static std::unique_ptr<TestPostgres> Start(
      const TestPostgresOptions& options);
  // A server of its own for streaming replication: standbys may connect
  // from 127.0.0.1, and every standby is synchronous
  // (synchronous_standby_names = '*'), so that a commit returns only once a
  // standby has flushed it. Until a standby streams, commits wait.
  static std::unique_ptr<TestPostgres> StartPrimary(
      const TestPostgresOptions& options);
  // A hot standby of `primary` (a pg_basebackup of it), read-only and
  // streaming from it. Returns once the primary reports it streaming and,
  // if the primary names synchronous standbys, synchronous. It has the
  // primary's settings: promoted, its commits wait for a standby of its
  // own. Aborts, printing why, if it cannot start.
  static std::unique_ptr<TestPostgres> StartStandbyOf(
      const TestPostgres& primary, const TestPostgresOptions& options);

  // Stops the server at once (an immediate shutdown, as `pg_ctl stop -m
  // immediate`) and removes its directory.
  ~TestPostgres();
  TestPostgres(const TestPostgres&) = delete;
  TestPostgres& operator=(const TestPostgres&) = delete;

  // Creates an empty database (sxtest_<pid>_<n>) and returns its libpq
  // conninfo: "host=127.0.0.1 port=N dbname=X user=sxtest
  // connect_timeout=5". Aborts with psql's message if it cannot.
  std::string NewDatabase();
  // The conninfo of an existing database, e.g. "postgres".
  std::string ConnInfo(const std::string& database) const;

  int port() const { return port_; }
  // Holds data/ (the cluster), postgres.log (the server's log, kept across
  // restarts) and the server's unix socket.
  const std::string& directory() const { return directory_; }

  // SIGKILL to the postmaster and every backend at once, like a crash;
  // returns once all of them are gone. Connections fail until Restart().
  void Kill();
  // Starts the server again after Kill(), on the same directory and port,
  // and returns once crash recovery is done and it accepts connections.
  // Aborts if it cannot.
  void Restart();
  // Ends a standby's recovery: it takes writes from then on. Returns once it
  // does. Aborts if it is no standby or does not finish in time.
  void Promote();

 private:
  explicit TestPostgres(std::string directory);
  // The first start of the cluster in data/: the test settings, then the
  // server on `options.port` or a free one.
  void FirstStart(const TestPostgresOptions& options);
  // Starts the postmaster and waits until it accepts connections; a first
  // start moves to another free port if it lost its port to someone else.
  void StartServer(bool may_change_port);
  // Until the primary reports the standby named `application_name`
  // streaming (and synchronous, if it names synchronous standbys).
  void AwaitStandby(const std::string& application_name) const;

  // A process forked for a death test shares this object but must not stop
  // the server of the process that made it.
  const pid_t owner_;
  const std::string directory_;
  // Made before the cluster, so that a crash even during initdb leaves
  // nothing behind.
  const std::unique_ptr<PostgresWatchdog> watchdog_;
  int port_ = 0;
  pid_t postmaster_ = -1;
  std::atomic<int> databases_made_{0};
};

// Runs `sql` with psql against `conninfo`, stopping at the first error, and
// returns the rows unaligned and without headers ("1\n"). UNAVAILABLE when
// psql cannot connect, INTERNAL (with psql's message) for other failures.
absl::StatusOr<std::string> RunPsql(const std::string& conninfo,
                                    const std::string& sql);

}  // namespace sx::testing
