// The PostgreSQL store's schema, created and upgraded by numbered
// migrations: each runs once, in its own transaction, and is recorded in
// schema_migrations. The caller holds the open lock (postgres_store.cc), so
// that hubs starting together against one database never run one twice.
#pragma once

#include "absl/status/status.h"
#include "storage/postgres_connection.h"

namespace sx::storage {

// The newest schema version this release knows.
int LatestSchemaVersion();

// Applies every migration the database lacks. FAILED_PRECONDITION if its
// schema is newer than this release's (written by a later release: an
// older hub must not write to it).
absl::Status MigrateSchema(PgConnection& connection);

// Reads only: FAILED_PRECONDITION if the schema is newer than this
// release's (for --check-config, which must not change the database).
absl::Status CheckSchemaNotNewer(PgConnection& connection);

}  // namespace sx::storage
