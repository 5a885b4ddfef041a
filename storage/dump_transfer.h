// What both backends share in a dump and a load (store_dump.h): the order of
// the kinds, the checks of the event log on the way out and on the way in,
// the header an import insists on, and the comparison of a loaded store
// read back with the dump. A backend supplies a DumpSource (its records, as
// dump records) and a DumpTarget (where loaded records go).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/dump_file.h"
#include "storage/event_log_rebuild.h"
#include "storage/merkle_append.h"
#include "supervision/v1/storage_dump.pb.h"
#include "sx/storage/store_dump.h"
#include "sx/transparency/merkle_hasher.h"

namespace sx::storage {

// The kinds of record after the header, in the order a dump holds them.
enum class DumpKind {
  kSettings,
  kSigningCertificates,
  kReferrals,
  kLeads,
  kParties,
  kRequests,
  kEvents,
  kInboxSequences,
  kInboxEntries,
  kDeadLetters,
  kDeadlines,
  kDistributions,
  kRectificationItems,
  kCounters,
  kWatchList,
  kReferralIndex,
};

inline constexpr DumpKind kDumpKinds[] = {
    DumpKind::kSettings,
    DumpKind::kSigningCertificates,
    DumpKind::kReferrals,
    DumpKind::kLeads,
    DumpKind::kParties,
    DumpKind::kRequests,
    DumpKind::kEvents,
    DumpKind::kInboxSequences,
    DumpKind::kInboxEntries,
    DumpKind::kDeadLetters,
    DumpKind::kDeadlines,
    DumpKind::kDistributions,
    DumpKind::kRectificationItems,
    DumpKind::kCounters,
    DumpKind::kWatchList,
    DumpKind::kReferralIndex,
};

using EmitRecord =
    std::function<absl::Status(const ::supervision::v1::DumpRecord&)>;

// The transparency log as a store keeps it.
struct StoredLog {
  std::string log_hash;
  DumpCheckpoint checkpoint;
};

// One backend's stored data as dump records. Reads one consistent state of
// the store for as long as it lives. Not thread-safe.
class DumpSource {
 public:
  virtual ~DumpSource() = default;
  // "rocksdb" or "postgres".
  virtual std::string backend() const = 0;
  // The log's hash and its checkpoint as stored (the chain head's count,
  // the root from the stored nodes).
  virtual absl::StatusOr<StoredLog> Log() = 0;
  // Every record of `kind`, each to `emit`, ordered by its key bytewise
  // (the RocksDB key order, which the PostgreSQL tables' "C" collation
  // follows): both backends give the same records in the same order. A
  // stored record this release does not know fails the read
  // (FAILED_PRECONDITION), rather than being left behind.
  virtual absl::Status Read(DumpKind kind, const EmitRecord& emit) = 0;
};

// Where a load writes. Not thread-safe.
class DumpTarget {
 public:
  virtual ~DumpTarget() = default;
  // Any record but the header and the trailer.
  virtual absl::Status Write(const ::supervision::v1::DumpRecord& record) = 0;
  // A node of the transparency log, rebuilt from the events.
  virtual absl::Status WriteLogNode(uint64_t level, uint64_t index,
                                    absl::string_view hash) = 0;
  // After the last record: the event chain's head.
  virtual absl::Status Finish(const EventLogHead& head) = 0;
};

// The transparency log's root over `event_count` events from the nodes a
// store keeps, read with `read_node` (a node it lacks is damage), hashed
// with `log_hash`.
absl::StatusOr<std::string> StoredRoot(absl::string_view log_hash,
                                       uint64_t event_count,
                                       const ReadMerkleNode& read_node);

// Every record of `source`, kind by kind, to `emit`; DATA_LOSS unless the
// events form a chain and the log rebuilt from them has `log`'s checkpoint.
absl::Status ReadAllRecords(DumpSource& source, const StoredLog& log,
                            const EmitRecord& emit);

// The export: `source` to a new dump file at `path`.
absl::StatusOr<DumpSummary> WriteDump(DumpSource& source,
                                      absl::string_view id_prefix,
                                      const std::string& path);

// Opens `path` for an import into a store of hub `id_prefix` whose log uses
// `log_hash`: FAILED_PRECONDITION, saying what to do, if the dump is of
// another hub or another log hash.
absl::StatusOr<std::unique_ptr<DumpFileReader>> OpenDumpForImport(
    const std::string& path, absl::string_view id_prefix,
    absl::string_view log_hash);

// Every record of `reader` (after its header) to `target`, with the log
// rebuilt from the events; DATA_LOSS unless the dump's trailer checks out
// and the rebuilt log has the header's checkpoint.
absl::Status LoadAllRecords(DumpFileReader& reader, DumpTarget& target);

// After a load: the target, read back through its own DumpSource, has the
// header's checkpoint, a chain and log that verify, and exactly the
// records the dump held (DATA_LOSS naming what differs otherwise).
absl::StatusOr<DumpSummary> VerifyLoaded(DumpSource& loaded,
                                         const DumpFileReader& reader);

// Both backends keep their settings under the same keys (keys.h). Puts the
// stored setting `key` into `settings` and returns true if it is one a dump
// carries (the referral counter, the id generation, the derived version);
// false for any other, which the backend knows for its own (the log hash is
// in the header) or refuses with UnknownSetting.
absl::StatusOr<bool> AddSetting(absl::string_view key, absl::string_view value,
                                ::supervision::v1::DumpedSettings& settings);
// FAILED_PRECONDITION: the store holds a setting this release does not know,
// so a dump of it would not be faithful.
absl::Status UnknownSetting(absl::string_view key);
// What a load writes of the settings, by key: the value to set, or nullopt
// where the dump has none (removed: the load leaves exactly the dump's).
std::vector<std::pair<std::string, std::optional<std::string>>> SettingsToLoad(
    const ::supervision::v1::DumpedSettings& settings);

// A deadline's record from its sort key (the RocksDB key, PostgreSQL's
// sort_key column); DATA_LOSS for a key that is not one.
absl::StatusOr<::supervision::v1::DumpRecord> DeadlineRecord(
    absl::string_view sort_key);
// A dumped deadline as the stores keep it.
absl::StatusOr<Deadline> DeadlineOf(
    const ::supervision::v1::DumpedDeadline& dumped);

// The hex of a root hash, for messages.
std::string RootHex(const DumpCheckpoint& checkpoint);

}  // namespace sx::storage
