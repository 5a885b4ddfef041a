// Several hubs may run against one database for availability, but only one
// writes: the one whose writer connection holds the database's write lock
// (a session-level advisory lock). It is held by the very session that
// writes, so a hub that lost it can write nothing more: if its connection
// dies, PostgreSQL releases the lock with it, and a waiting hub takes it.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/postgres_connection.h"

namespace sx::storage {

// The advisory lock keys (one bigint namespace per database).
inline constexpr int64_t kOpenLockKey = 0x7378686f;   // "sxho": open, migrate
inline constexpr int64_t kWriteLockKey = 0x73786877;  // "sxhw": write

// true if `connection`'s session now holds the write lock (or held it
// already).
absl::StatusOr<bool> TryWriteLock(PgConnection& connection);

// Who holds the write lock, for logs: "sxhub demo on host-a pid 4711
// (10.0.0.5, connected 2026-12-07 21:40:00+00)", or "" if nobody.
std::string WriteLockHolder(PgConnection& connection);

}  // namespace sx::storage
