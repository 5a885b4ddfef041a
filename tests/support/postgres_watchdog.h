// Stops a test's PostgreSQL server and removes its directory when the test
// process dies without doing it itself (an abort, a crash, a SIGKILL of that
// process alone), so that crashed test binaries do not leave servers running
// for ever. Used by TestPostgres (test_postgres.h).
//
// A shell outlives the test process: it learns the postmaster's pid from a
// socket only that process writes, and at end-of-file, unless told the
// server was stopped, it shuts the server down at once (SIGQUIT, as
// `pg_ctl stop -m immediate`) and removes the directory. It runs in a session
// of its own, so that ^C at a terminal does not take it down with the test.
// Not covered: ctest's timeout kills the whole process tree, the shell and
// the server with it, which leaves only the directory behind.
#pragma once

#include <sys/types.h>

#include <string>

namespace sx::testing {

// Thread-compatible: calls must not overlap.
class PostgresWatchdog {
 public:
  // Watches `directory` (the server's data in `directory`/data). Aborts if it
  // cannot start the shell.
  explicit PostgresWatchdog(const std::string& directory);
  // Disarms the shell: the owner has stopped the server and removed the
  // directory. A process forked from the owner (a death test) does nothing.
  ~PostgresWatchdog();
  PostgresWatchdog(const PostgresWatchdog&) = delete;
  PostgresWatchdog& operator=(const PostgresWatchdog&) = delete;

  void ServerStarted(pid_t postmaster);
  // The postmaster has exited (or was killed): its pid may now be reused and
  // must not be signalled.
  void ServerGone();

 private:
  void Tell(const std::string& line);

  const pid_t owner_;
  int socket_ = -1;
  pid_t shell_ = -1;
};

}  // namespace sx::testing
