#include "server/storage_transfer.h"

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/store_options.h"
#include "sx/base/status_macros.h"
#include "sx/encryption/key_ring.h"
#include "sx/encryption/key_use_counts.h"
#include "sx/storage/postgres_dump.h"
#include "sx/storage/postgres_store.h"
#include "sx/storage/store_dump.h"

namespace sx::server {
namespace {

namespace v1 = ::supervision::v1;

// How long the check after an import waits for the database's write lock
// (a hub started meanwhile may hold it).
constexpr absl::Duration kWriteLockPatience = absl::Seconds(10);

std::string BackendOf(const v1::HubConfig& settings) {
  return settings.storage().has_postgres() ? "postgres" : "rocksdb";
}

std::string CheckpointLine(const storage::DumpCheckpoint& checkpoint) {
  return absl::StrCat("checkpoint: ", checkpoint.event_count, " events, root ",
                      absl::BytesToHexString(checkpoint.root_hash));
}

void PrintCounts(const storage::DumpSummary& summary) {
  std::vector<std::string> counts;
  for (const storage::DumpKindCount& count : summary.counts) {
    counts.push_back(absl::StrCat(count.kind, " ", count.count));
  }
  std::printf("sxhub:   %s\n", absl::StrJoin(counts, ", ").c_str());
}

// `status` with the mode in front, as the operator reads it.
absl::Status Named(absl::string_view mode, const absl::Status& status,
                   absl::string_view after = "") {
  return absl::Status(status.code(),
                      absl::StrCat(mode, ": ", status.message(), after));
}

// The imported store, opened as the hub opens it.
absl::StatusOr<std::unique_ptr<storage::Store>> OpenImported(
    const v1::HubConfig& settings) {
  if (!settings.storage().has_postgres()) {
    return storage::OpenRocksDbStore(RocksDbOptionsOf(settings));
  }
  storage::PostgresStoreOptions options = PostgresOptionsOf(settings);
  options.reader_connections = 1;
  const absl::Time give_up = absl::Now() + kWriteLockPatience;
  options.keep_waiting_for_write_lock = [give_up] {
    return absl::Now() < give_up;
  };
  return storage::OpenPostgresStore(options);
}

// What a start checks of the records' encryption: the hub refuses to serve
// records it has no key for, and encrypted records without encryption.
absl::Status CheckKeysCover(const v1::HubConfig& settings,
                            storage::Store& store) {
  if (!settings.has_encryption()) {
    return encryption::CheckNothingEncrypted(store);
  }
  const std::string& key_file = settings.encryption().key_file();
  SX_ASSIGN_OR_RETURN(encryption::KeyRing keys,
                      encryption::KeyRing::LoadFile(key_file));
  SX_ASSIGN_OR_RETURN(encryption::KeyUse use, encryption::ReadKeyUse(store));
  return encryption::CheckRingCoversKeyUse(use, keys, key_file);
}

// The imported store as the hub will see it: the dump's checkpoint, a
// chain that verifies, keys for its records.
absl::Status CheckImported(const v1::HubConfig& settings,
                           const storage::DumpCheckpoint& expected) {
  SX_ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store,
                      OpenImported(settings));
  SX_ASSIGN_OR_RETURN(storage::DumpCheckpoint checkpoint,
                      storage::VerifiedCheckpoint(*store, LogHashOf(settings)));
  if (checkpoint.event_count != expected.event_count ||
      checkpoint.root_hash != expected.root_hash) {
    return absl::DataLossError(
        absl::StrCat("the hub reads ", CheckpointLine(checkpoint),
                     ", the dump has ", CheckpointLine(expected)));
  }
  const absl::Status keys = CheckKeysCover(settings, *store);
  if (!keys.ok()) {
    return Named(
        "the data is imported and verified, but the hub will not start with "
        "this config",
        keys);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ExportStorage(const core::HubConfig& config,
                           const std::string& file) {
  const v1::HubConfig& settings = config.proto();
  absl::StatusOr<storage::DumpSummary> summary =
      settings.storage().has_postgres()
          ? storage::ExportPostgresStore(PostgresOptionsOf(settings), file)
          : storage::ExportRocksDbStore(RocksDbOptionsOf(settings), file);
  if (!summary.ok()) return Named("export", summary.status());
  std::printf("sxhub: exported the %s storage of hub %s to %s\n",
              summary->source_backend.c_str(), settings.hub_id().c_str(),
              file.c_str());
  PrintCounts(*summary);
  std::printf("sxhub: %s\n", CheckpointLine(summary->checkpoint).c_str());
  return absl::OkStatus();
}

absl::Status ImportStorage(const core::HubConfig& config,
                           const std::string& file) {
  const v1::HubConfig& settings = config.proto();
  absl::StatusOr<storage::DumpSummary> summary =
      settings.storage().has_postgres()
          ? storage::ImportIntoPostgresStore(PostgresOptionsOf(settings), file)
          : storage::ImportIntoRocksDbStore(RocksDbOptionsOf(settings), file);
  if (!summary.ok()) return Named("import", summary.status());
  std::printf(
      "sxhub: imported %s (the %s storage of hub %s, exported %s) into the "
      "%s storage\n",
      file.c_str(), summary->source_backend.c_str(), settings.hub_id().c_str(),
      absl::FormatTime(absl::RFC3339_sec, summary->written_at,
                       absl::UTCTimeZone())
          .c_str(),
      BackendOf(settings).c_str());
  PrintCounts(*summary);
  const absl::Status checked = CheckImported(settings, summary->checkpoint);
  if (!checked.ok()) {
    return Named("import", checked,
                 " (the imported data stays in place; see deploy/README.md, "
                 "\"Moving between storage backends\")");
  }
  std::printf("sxhub: %s; the event chain verifies\n",
              CheckpointLine(summary->checkpoint).c_str());
  return absl::OkStatus();
}

}  // namespace sx::server
