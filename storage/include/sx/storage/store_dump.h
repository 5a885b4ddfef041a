// Copying all of a hub's stored data out of one backend and into another:
// a dump file in a neutral, versioned form (supervision/v1/storage_dump.proto)
// that holds every kind of stored record, so that a deployment can move from
// RocksDB to PostgreSQL and back (`sxhub --export`, `sxhub --import`;
// deploy/README.md, "Moving between storage backends").
//
//   SX_ASSIGN_OR_RETURN(DumpSummary out, ExportRocksDbStore(options, path));
//   ... // on the other side, into an empty store:
//   SX_ASSIGN_OR_RETURN(DumpSummary in, ImportIntoPostgresStore(pg, path));
//
// Records travel as stored (encrypted contents stay encrypted under the
// same keys). What the stores derive from them (the transparency log's
// nodes, the event chain's head, the event indexes) is rebuilt on import,
// and the import fails unless the rebuilt log has the dump's checkpoint
// and the target, read back, holds exactly the dump's records.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sx/storage/store.h"

namespace sx::storage {

// The audit checkpoint of a store's event log.
struct DumpCheckpoint {
  uint64_t event_count = 0;
  // The transparency log's root over those events (raw bytes).
  std::string root_hash;
};

struct DumpKindCount {
  // The DumpRecord field name, e.g. "referral", "event", "counter".
  std::string kind;
  uint64_t count = 0;
};

// What an export wrote or an import loaded.
struct DumpSummary {
  // The backend the dump was read from: "rocksdb" or "postgres".
  std::string source_backend;
  absl::Time written_at;
  DumpCheckpoint checkpoint;
  // Records per kind, in dump order.
  std::vector<DumpKindCount> counts;
};

// Writes everything stored in the data directory `options.path` to `file`
// (which must not exist, and is never written over: written under a fresh
// temporary name, mode 0600, and linked into place once complete and
// synced). FAILED_PRECONDITION if the directory holds no RocksDB database
// (a wrong data_dir). Opens the directory as the hub does, so the hub must
// be stopped (RocksDB allows one process), and reads one snapshot of it.
// Fails with DATA_LOSS if the event chain or the transparency log does not
// verify.
absl::StatusOr<DumpSummary> ExportRocksDbStore(
    const RocksDbStoreOptions& options, const std::string& file);

// Loads `file` into a new data directory at `options.path`, which must not
// exist or be empty (FAILED_PRECONDITION otherwise, nothing changed). The
// directory is built beside it ("<path>.importing", marked as the import's:
// a leftover one is removed only if it bears the mark) and renamed into place
// only once the rebuilt log has the dump's checkpoint, the chain verifies
// and the directory read back holds exactly the dump's records; on any
// failure nothing is left at `options.path`. The dump's hub id and log
// hash must be options.id_prefix and options.log_hash.
absl::StatusOr<DumpSummary> ImportIntoRocksDbStore(
    const RocksDbStoreOptions& options, const std::string& file);

// The checkpoint of an open store as the audit service reads it (the event
// count and the root from the stored log), once its event chain verifies:
// for checking an imported store through the hub's own opening of it.
// `log_hash` is the store's ("sha256" or "sm3").
absl::StatusOr<DumpCheckpoint> VerifiedCheckpoint(Store& store,
                                                  absl::string_view log_hash);

}  // namespace sx::storage
