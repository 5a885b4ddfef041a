#include "storage/rocksdb_open.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "storage/counter_merge.h"
#include "storage/derived_rebuild.h"
#include "storage/event_reindex.h"
#include "storage/keys.h"
#include "storage/queue_counts.h"
#include "storage/rocksdb_status.h"
#include "sx/base/status_macros.h"
#include "sx/storage/backup_marker.h"

namespace sx::storage {
namespace {

// Damage met by a flush or compaction (RocksDB then stops writing on its
// own) is recorded like damage met by a read.
class DamageListener final : public rocksdb::EventListener {
 public:
  explicit DamageListener(std::shared_ptr<DamageRecord> damage)
      : damage_(std::move(damage)) {}
  void OnBackgroundError(rocksdb::BackgroundErrorReason /*reason*/,
                         rocksdb::Status* error) override {
    if (error != nullptr && error->IsCorruption()) {
      damage_->Observe(FromRocksDb(*error, "background flush or compaction"))
          .IgnoreError();  // recorded: Health() reports it
    }
  }

 private:
  const std::shared_ptr<DamageRecord> damage_;
};

constexpr uint64_t kMaxTotalWalBytes = 64ull << 20;

rocksdb::Options DatabaseOptions() {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  // A torn tail can only hold writes that were never acknowledged (they were
  // not fsynced); corruption before the tail means acknowledged data is
  // damaged, and RocksDB must refuse to open rather than silently drop the
  // rest of the log as the default point-in-time mode would.
  options.wal_recovery_mode =
      rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  options.track_and_verify_wals_in_manifest = true;
  options.paranoid_checks = true;
  options.IncreaseParallelism(2);
  // A log file is kept until every family's writes in it are flushed, and
  // the small families (deadlines, counters, watch list) fill their write
  // buffers slowly: unbounded, the logs grew to ~1 GB at 500k referrals,
  // all replayed on a restart after a crash (12 s). Past this total RocksDB
  // flushes the families that hold the oldest log, so a restart replays at
  // most this much.
  options.max_total_wal_size = kMaxTotalWalBytes;
  // And a restart replays the log into the write buffers and carries on,
  // rather than first writing all of it out as new table files: the logs
  // stay until those buffers are flushed as usual. Measured on a copy of
  // one killed data directory (72 MiB of log), three opens each: 0.93–0.98
  // s with the flush, 0.66–0.68 s without.
  options.avoid_flush_during_recovery = true;
  return options;
}

// Most families are appended to in key order (sequences, new referral ids,
// per-level Merkle indexes). A memtable insert hint per key prefix lets
// such an insert start from where the previous one ended instead of
// searching the skip list from the top: the biggest CPU cost of a write.
rocksdb::ColumnFamilyOptions FamilyOptions(const rocksdb::Options& db_options,
                                           const std::string& name) {
  rocksdb::ColumnFamilyOptions options(db_options);
  // Every submission looks up keys that do not exist yet (its request id,
  // its new referral id): bloom filters answer those without searching the
  // memtable's skip list or reading SST blocks.
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  if (name == keys::kCounters) {
    options.merge_operator = NewCounterMergeOperator();
    // Without a bound, every addition since the last flush stays a separate
    // operand in the memtable, and reading a counter folds them all: a
    // statistics call would grow with recent traffic (measured: 120 ms for a
    // year of all units at 1M referrals, against 1 ms once flushed). After
    // this many operands the write folds them into one value, so a read
    // folds at most this many per key.
    options.max_successive_merges = 16;
  }
  if (name == keys::kRequests || name == keys::kReferrals) {
    options.memtable_whole_key_filtering = true;
    options.memtable_prefix_bloom_size_ratio = 0.02;
  }
  if (name == keys::kEvents || name == keys::kReferrals ||
      name == keys::kLeads) {
    // One ascending sequence of keys.
    options.memtable_insert_with_hint_prefix_extractor.reset(
        rocksdb::NewFixedPrefixTransform(0));
  } else if (name == keys::kMerkle || name == keys::kEventIndex) {
    // Ascending within the first byte: the tree level, or the index kind.
    options.memtable_insert_with_hint_prefix_extractor.reset(
        rocksdb::NewFixedPrefixTransform(1));
  }
  return options;
}

absl::Status CheckFormatVersion(rocksdb::DB& db, const std::string& path) {
  std::string version;
  rocksdb::Status status =
      db.Get(rocksdb::ReadOptions(), keys::kFormatVersionKey, &version);
  if (status.IsNotFound()) {
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    return FromRocksDb(
        db.Put(write_options, keys::kFormatVersionKey, keys::kFormatVersion),
        "write format version");
  }
  SX_RETURN_IF_ERROR(FromRocksDb(status, "read format version"));
  if (version != keys::kFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("storage: ", path, " holds format version ", version,
                     " but this hub reads version ", keys::kFormatVersion));
  }
  return absl::OkStatus();
}

// `options` with the id prefix of the database's generation: after a
// confirmed restore, ids carry it, so that none repeats an id issued (and
// lost by the restore) after the backup.
absl::StatusOr<RocksDbStoreOptions> WithIdGeneration(
    rocksdb::DB& db, RocksDbStoreOptions options) {
  std::string generation;
  rocksdb::Status status =
      db.Get(rocksdb::ReadOptions(), keys::kIdGenerationKey, &generation);
  if (status.IsNotFound()) return options;
  SX_RETURN_IF_ERROR(FromRocksDb(status, "read id generation"));
  options.id_prefix = absl::StrCat(options.id_prefix, "-", generation);
  return options;
}

// The log's hash is chosen when the database is created; a different one
// later would make every stored node hash meaningless.
absl::StatusOr<transparency::MerkleHasher> OpenLogHasher(
    rocksdb::DB& db, const std::string& wanted) {
  std::string stored;
  rocksdb::Status status =
      db.Get(rocksdb::ReadOptions(), keys::kLogHashKey, &stored);
  if (status.IsNotFound()) {
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    SX_RETURN_IF_ERROR(FromRocksDb(
        db.Put(write_options, keys::kLogHashKey, wanted), "write log hash"));
    stored = wanted;
  } else {
    SX_RETURN_IF_ERROR(FromRocksDb(status, "read log hash"));
  }
  if (stored != wanted) {
    return absl::FailedPreconditionError(
        absl::StrCat("storage: the transparency log of this database uses ",
                     stored, " but the config asks for ", wanted,
                     "; the log hash cannot change for an existing database"));
  }
  SX_ASSIGN_OR_RETURN(transparency::HashAlgorithm algorithm,
                      transparency::ParseHashAlgorithm(stored));
  return transparency::MerkleHasher::Create(algorithm);
}

}  // namespace

OpenRocksDb::OpenRocksDb(std::unique_ptr<rocksdb::DB> db,
                         std::vector<rocksdb::ColumnFamilyHandle*> handles)
    : db_(std::move(db)),
      handles_(std::move(handles)),
      cfs_{handles_[0],  handles_[1],  handles_[2],  handles_[3],
           handles_[4],  handles_[5],  handles_[6],  handles_[7],
           handles_[8],  handles_[9],  handles_[10], handles_[11],
           handles_[12], handles_[13], handles_[14], handles_[15]} {}

OpenRocksDb::~OpenRocksDb() {
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    db_->DestroyColumnFamilyHandle(handle);
  }
  db_->Close().PermitUncheckedError();
}

absl::StatusOr<OpenedDataDirectory> OpenDataDirectory(
    const RocksDbStoreOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("storage: no data directory given");
  }
  // Leads are confidential: a new data directory is the hub user's alone
  // (RocksDB would create it with the umask's mode).
  if (mkdir(options.path.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::UnavailableError(absl::StrCat(
        "storage: cannot create ", options.path, ": ", strerror(errno)));
  }
  SX_ASSIGN_OR_RETURN(std::optional<BackupMarker> backup,
                      ReadBackupMarker(options.path));
  if (backup.has_value() && !options.confirming_restore) {
    return absl::FailedPreconditionError(absl::StrCat(
        "storage: ", options.path, " is a backup written at ",
        absl::FormatTime(absl::RFC3339_sec, backup->written,
                         absl::UTCTimeZone()),
        ", restored into the data directory. Serving from it as is would "
        "issue again the referral ids and event sequences that the hub "
        "confirmed after the backup. Run `sxhub --config=FILE "
        "--confirm-restore` once: it records the restore in the event log "
        "and gives new referral ids a new generation (see deploy/README.md, "
        "Restore)"));
  }
  rocksdb::Options db_options = DatabaseOptions();
  if (options.env != nullptr) db_options.env = options.env;
  auto damage = std::make_shared<DamageRecord>(options.on_damage);
  db_options.listeners.push_back(std::make_shared<DamageListener>(damage));
  const std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName,
                                          keys::kReferrals,
                                          keys::kLeads,
                                          keys::kPartyIndex,
                                          keys::kInbox,
                                          keys::kRequests,
                                          keys::kEvents,
                                          keys::kEventIndex,
                                          keys::kMerkle,
                                          keys::kDeadlines,
                                          keys::kDeadLetters,
                                          keys::kRectificationItems,
                                          keys::kDistributions,
                                          keys::kCounters,
                                          keys::kWatchList,
                                          keys::kReferralIndex};
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) {
    descriptors.emplace_back(name, FamilyOptions(db_options, name));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status status =
      rocksdb::DB::Open(rocksdb::DBOptions(db_options), options.path,
                        descriptors, &handles, &raw_db);
  if (!status.ok()) {
    std::string hint;
    if (status.IsCorruption()) {
      hint =
          " The database is damaged before the end of its write-ahead log; "
          "the hub will not start on a partial database. Restore the data "
          "directory from a backup (checkpoint) or investigate the disk.";
    }
    return absl::Status(
        FromRocksDb(status, absl::StrCat("open ", options.path)).code(),
        absl::StrCat("storage: cannot open ", options.path, ": ",
                     status.ToString(), hint));
  }
  auto database = std::make_unique<OpenRocksDb>(
      std::unique_ptr<rocksdb::DB>(raw_db), std::move(handles));
  rocksdb::DB& db = database->db();
  const ColumnFamilies& cfs = database->cfs();
  SX_ASSIGN_OR_RETURN(transparency::MerkleHasher hasher,
                      OpenLogHasher(db, options.log_hash));
  SX_RETURN_IF_ERROR(CheckFormatVersion(db, options.path));
  SX_RETURN_IF_ERROR(RederiveIfStale(db, cfs, options.referral_deriver));
  SX_RETURN_IF_ERROR(CountQueuesIfUncounted(db, cfs));
  SX_RETURN_IF_ERROR(ReindexEventsIfStale(db, cfs));
  SX_ASSIGN_OR_RETURN(RocksDbStoreOptions effective,
                      WithIdGeneration(db, options));
  return OpenedDataDirectory{std::move(database), std::move(hasher),
                             std::move(damage), std::move(effective)};
}

}  // namespace sx::storage
