// The PostgreSQL side of store_dump.h: a dump of a hub's database, and a
// dump loaded into an empty database.
//
//   SX_ASSIGN_OR_RETURN(DumpSummary out, ExportPostgresStore(options, path));
//   SX_ASSIGN_OR_RETURN(DumpSummary in, ImportIntoPostgresStore(options,
//   path));
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "sx/storage/postgres_store.h"
#include "sx/storage/store_dump.h"

namespace sx::storage {

// Writes everything in the database to `file` (as ExportRocksDbStore does),
// from one REPEATABLE READ snapshot, holding the database's write lock
// until it ends: FAILED_PRECONDITION, naming the holder, if a hub holds it
// (what the hub wrote after the snapshot would be missing). The database
// must hold this release's schema (FAILED_PRECONDITION if it has no hub
// tables: a wrong conninfo). Changes nothing in the database.
absl::StatusOr<DumpSummary> ExportPostgresStore(
    const PostgresStoreOptions& options, const std::string& file);

// Loads `file` into the database, which must hold no hub data (its tables
// absent or empty; FAILED_PRECONDITION otherwise, nothing changed) and no
// hub may hold its write lock. Creates the schema if missing, then writes
// everything in one transaction, committed only once the rebuilt log has
// the dump's checkpoint, the chain verifies and the tables read back hold
// exactly the dump's records; on any failure it is rolled back, except if
// the connection ends during COMMIT: then the error says the outcome is
// unknown. The dump's hub id and log hash must be options.id_prefix and
// options.log_hash.
absl::StatusOr<DumpSummary> ImportIntoPostgresStore(
    const PostgresStoreOptions& options, const std::string& file);

}  // namespace sx::storage
