// A RocksDB FileSystem for fault tests: remembers how much of every written
// file was synced, can "cut the power" (every later write, sync or file
// creation fails, as if the machine stopped), and afterwards truncates every
// file to its synced length — what a real power loss leaves on disk when the
// page cache is lost. It can also make syncs fail, to prove that an fsync
// error is never acknowledged, or wait, to look at the store mid-commit.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "rocksdb/file_system.h"

namespace sx::testing {

// Thread-safe.
class PowerLossFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit PowerLossFileSystem(std::shared_ptr<rocksdb::FileSystem> base);

  static const char* kClassName() { return "PowerLossFileSystem"; }
  const char* Name() const override { return kClassName(); }

  rocksdb::IOStatus NewWritableFile(
      const std::string& name, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* debug) override;
  rocksdb::IOStatus ReopenWritableFile(
      const std::string& name, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* debug) override;
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* debug) override;
  rocksdb::IOStatus DeleteFile(const std::string& name,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* debug) override;

  // From now on, all writing fails.
  void CutPower();
  // Truncates every file to its synced length. Call once the database using
  // this file system is closed.
  void DropUnsyncedData();
  // While set, Sync/Fsync fail (the data may or may not be on disk).
  void FailSyncs(bool fail);
  // While set, Sync/Fsync wait (before syncing anything) until it is unset.
  void HoldSyncs(bool hold);
  // Returns once some sync is waiting because of HoldSyncs.
  void AwaitHeldSync();

  bool power_cut() const;
  bool syncs_fail() const;
  // Bookkeeping used by the file wrapper.
  void Appended(const std::string& name, uint64_t bytes);
  uint64_t AppendedSize(const std::string& name) const;
  // The first `size` bytes of `name` are on disk.
  void Synced(const std::string& name, uint64_t size);
  void WaitWhileSyncsHeld();

 private:
  struct Written {
    uint64_t size = 0;
    uint64_t synced = 0;
  };
  bool SomeSyncIsHeld() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return held_syncs_ > 0;
  }
  bool SyncsAreReleased() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !hold_syncs_;
  }

  mutable absl::Mutex mu_;
  bool power_cut_ ABSL_GUARDED_BY(mu_) = false;
  bool fail_syncs_ ABSL_GUARDED_BY(mu_) = false;
  bool hold_syncs_ ABSL_GUARDED_BY(mu_) = false;
  int held_syncs_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, Written> files_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sx::testing
