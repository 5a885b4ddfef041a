#include "storage/postgres_write_lock.h"

#include "sx/base/status_macros.h"

namespace sx::storage {

absl::StatusOr<bool> TryWriteLock(PgConnection& connection) {
  SX_ASSIGN_OR_RETURN(PgResult result,
                      connection.Run("take the write lock",
                                     "SELECT pg_try_advisory_lock($1::bigint)",
                                     PgParams().Int(kWriteLockKey)));
  return result.Int(0, 0) != 0;
}

std::string WriteLockHolder(PgConnection& connection) {
  // A bigint key below 2^32 is objid with classid 0.
  absl::StatusOr<PgResult> result = connection.Run(
      "find the write lock's holder",
      "SELECT a.application_name || ' (' || coalesce(host(a.client_addr), "
      "'local socket') || ', connected ' || "
      "date_trunc('second', a.backend_start)::text || ')' "
      "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 "
      "AND l.objid::bigint = $1::bigint AND l.objsubid = 1",
      PgParams().Int(kWriteLockKey));
  if (!result.ok() || result->rows() == 0) return "";
  return result->Bytes(0, 0);
}

}  // namespace sx::storage
