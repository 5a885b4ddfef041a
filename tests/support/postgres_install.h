// Where this machine's PostgreSQL programs are, and who runs the server:
// the lookups behind TestPostgres (test_postgres.h). Each aborts, saying
// what is missing, rather than let a test skip for want of PostgreSQL.
#pragma once

#include <optional>
#include <string>

#include "tests/support/run_program.h"

namespace sx::testing {

// SX_POSTGRES_BINDIR if set, else the newest /usr/lib/postgresql/<major>/bin
// with postgres and initdb in it (Debian's layout; `pg_config --bindir`
// names the client's directory, which may be another).
const std::string& PostgresBinDir();

// psql beside the server, else the one on PATH.
std::string PsqlPath();

// Who runs initdb and the server: nullopt for ourselves; as root (as in
// CI), the `postgres` system user that Debian's postgresql-common creates,
// since PostgreSQL refuses to run as root.
const std::optional<RunAs>& PostgresServerUser();

}  // namespace sx::testing
