#include "tests/fault/power_loss_file_system.h"

#include <algorithm>
#include <filesystem>

namespace sx::testing {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

IOStatus PowerIsOff() { return IOStatus::IOError("simulated power loss"); }

// Reports appends and syncs to the file system, and fails them once the
// power is cut.
class TrackedFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  TrackedFile(std::unique_ptr<rocksdb::FSWritableFile> file, std::string name,
              PowerLossFileSystem& fs)
      : FSWritableFileOwnerWrapper(std::move(file)),
        name_(std::move(name)),
        fs_(fs) {}

  IOStatus Append(const Slice& data, const IOOptions& options,
                  IODebugContext* debug) override {
    if (fs_.power_cut()) return PowerIsOff();
    IOStatus status = target()->Append(data, options, debug);
    if (status.ok()) fs_.Appended(name_, data.size());
    return status;
  }
  IOStatus Append(const Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& info,
                  IODebugContext* debug) override {
    if (fs_.power_cut()) return PowerIsOff();
    IOStatus status = target()->Append(data, options, info, debug);
    if (status.ok()) fs_.Appended(name_, data.size());
    return status;
  }
  IOStatus Flush(const IOOptions& options, IODebugContext* debug) override {
    if (fs_.power_cut()) return PowerIsOff();
    return target()->Flush(options, debug);
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* debug) override {
    return SyncWith([&] { return target()->Sync(options, debug); });
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* debug) override {
    return SyncWith([&] { return target()->Fsync(options, debug); });
  }
  IOStatus RangeSync(uint64_t, uint64_t, const IOOptions& options,
                     IODebugContext* debug) override {
    // A partial sync promises nothing about the tail; only full syncs count.
    if (fs_.power_cut()) return PowerIsOff();
    return target()->Flush(options, debug);
  }
  IOStatus Close(const IOOptions& options, IODebugContext* debug) override {
    if (fs_.power_cut()) return IOStatus::OK();  // nothing more reaches disk
    return target()->Close(options, debug);
  }

 private:
  template <typename Sync>
  IOStatus SyncWith(Sync sync) {
    fs_.WaitWhileSyncsHeld();
    if (fs_.power_cut()) return PowerIsOff();
    if (fs_.syncs_fail()) return IOStatus::IOError("simulated fsync failure");
    // Appends that race with this sync are not covered by it.
    const uint64_t size = fs_.AppendedSize(name_);
    IOStatus status = sync();
    if (status.ok()) fs_.Synced(name_, size);
    return status;
  }

  const std::string name_;
  PowerLossFileSystem& fs_;
};

}  // namespace

PowerLossFileSystem::PowerLossFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base)
    : FileSystemWrapper(std::move(base)) {}

IOStatus PowerLossFileSystem::NewWritableFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* debug) {
  if (power_cut()) return PowerIsOff();
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus status = target()->NewWritableFile(name, options, &file, debug);
  if (!status.ok()) return status;
  {
    absl::MutexLock lock(&mu_);
    files_[name] = Written{};
  }
  *result = std::make_unique<TrackedFile>(std::move(file), name, *this);
  return status;
}

IOStatus PowerLossFileSystem::ReopenWritableFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* debug) {
  if (power_cut()) return PowerIsOff();
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus status = target()->ReopenWritableFile(name, options, &file, debug);
  if (!status.ok()) return status;
  {
    // What was there before reopening is on disk already.
    std::error_code error;
    const uint64_t size = std::filesystem::file_size(name, error);
    absl::MutexLock lock(&mu_);
    files_[name] = Written{error ? 0 : size, error ? 0 : size};
  }
  *result = std::make_unique<TrackedFile>(std::move(file), name, *this);
  return status;
}

IOStatus PowerLossFileSystem::RenameFile(const std::string& from,
                                         const std::string& to,
                                         const IOOptions& options,
                                         IODebugContext* debug) {
  if (power_cut()) return PowerIsOff();
  IOStatus status = target()->RenameFile(from, to, options, debug);
  if (status.ok()) {
    absl::MutexLock lock(&mu_);
    auto it = files_.find(from);
    if (it != files_.end()) {
      files_[to] = it->second;
      files_.erase(it);
    }
  }
  return status;
}

IOStatus PowerLossFileSystem::DeleteFile(const std::string& name,
                                         const IOOptions& options,
                                         IODebugContext* debug) {
  if (power_cut()) return PowerIsOff();
  IOStatus status = target()->DeleteFile(name, options, debug);
  if (status.ok()) {
    absl::MutexLock lock(&mu_);
    files_.erase(name);
  }
  return status;
}

void PowerLossFileSystem::CutPower() {
  absl::MutexLock lock(&mu_);
  power_cut_ = true;
}

void PowerLossFileSystem::DropUnsyncedData() {
  absl::MutexLock lock(&mu_);
  for (const auto& [name, written] : files_) {
    std::error_code error;
    if (std::filesystem::exists(name, error) && written.synced < written.size) {
      std::filesystem::resize_file(name, written.synced, error);
    }
  }
}

void PowerLossFileSystem::FailSyncs(bool fail) {
  absl::MutexLock lock(&mu_);
  fail_syncs_ = fail;
}

bool PowerLossFileSystem::power_cut() const {
  absl::MutexLock lock(&mu_);
  return power_cut_;
}

bool PowerLossFileSystem::syncs_fail() const {
  absl::MutexLock lock(&mu_);
  return fail_syncs_;
}

void PowerLossFileSystem::Appended(const std::string& name, uint64_t bytes) {
  absl::MutexLock lock(&mu_);
  files_[name].size += bytes;
}

uint64_t PowerLossFileSystem::AppendedSize(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto found = files_.find(name);
  return found == files_.end() ? 0 : found->second.size;
}

void PowerLossFileSystem::Synced(const std::string& name, uint64_t size) {
  absl::MutexLock lock(&mu_);
  Written& written = files_[name];
  written.synced = std::max(written.synced, size);
}

void PowerLossFileSystem::HoldSyncs(bool hold) {
  absl::MutexLock lock(&mu_);
  hold_syncs_ = hold;
}

void PowerLossFileSystem::AwaitHeldSync() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(this, &PowerLossFileSystem::SomeSyncIsHeld));
}

void PowerLossFileSystem::WaitWhileSyncsHeld() {
  absl::MutexLock lock(&mu_);
  ++held_syncs_;
  mu_.Await(absl::Condition(this, &PowerLossFileSystem::SyncsAreReleased));
  --held_syncs_;
}

}  // namespace sx::testing
