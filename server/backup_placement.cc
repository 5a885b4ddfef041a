#include "server/backup_placement.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sx/base/status_macros.h"
#include "sx/storage/backup_marker.h"

namespace sx::server {
namespace {

// RocksDB holds a POSIX write lock on <data_dir>/LOCK while the database is
// open; F_GETLK reports another process's lock without taking one.
absl::Status CheckNotInUse(const std::string& data_dir) {
  const std::string lock_file = absl::StrCat(data_dir, "/LOCK");
  const int fd = open(lock_file.c_str(), O_RDWR);
  if (fd < 0) return absl::OkStatus();  // no database there yet
  struct flock probe {};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  const int asked = fcntl(fd, F_GETLK, &probe);
  close(fd);
  if (asked != 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot tell whether a hub uses ", data_dir, ": ", strerror(errno)));
  }
  if (probe.l_type != F_UNLCK) {
    return absl::FailedPreconditionError(
        absl::StrCat("a hub (pid ", probe.l_pid, ") is using ", data_dir,
                     ": stop it before restoring"));
  }
  return absl::OkStatus();
}

absl::Status FromError(const std::error_code& error, absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", error.message()));
}

}  // namespace

absl::Status PutBackupInPlace(const std::string& backup_dir,
                              const std::string& data_dir) {
  SX_ASSIGN_OR_RETURN(std::optional<storage::BackupMarker> marker,
                      storage::ReadBackupMarker(backup_dir));
  if (!marker.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat(backup_dir, " is not a hub backup (it has no ",
                     storage::kBackupMarkerFile, " file)"));
  }
  SX_RETURN_IF_ERROR(CheckNotInUse(data_dir));
  std::error_code error;
  if (std::filesystem::exists(data_dir, error)) {
    const std::string aside = absl::StrCat(
        data_dir, ".replaced-",
        absl::FormatTime("%Y%m%dT%H%M%SZ", absl::Now(), absl::UTCTimeZone()));
    std::filesystem::rename(data_dir, aside, error);
    if (error) return FromError(error, absl::StrCat("move ", data_dir));
    std::printf("sxhub: the data directory was kept as %s\n", aside.c_str());
  }
  std::filesystem::copy(backup_dir, data_dir,
                        std::filesystem::copy_options::recursive, error);
  if (error) {
    return FromError(error,
                     absl::StrCat("copy ", backup_dir, " to ", data_dir));
  }
  if (chmod(data_dir.c_str(), 0700) != 0) {
    return absl::UnavailableError(
        absl::StrCat("restrict ", data_dir, ": ", strerror(errno)));
  }
  // The copy must be on disk before the restore is recorded into it.
  sync();
  return storage::SyncDirectory(
      std::filesystem::path(data_dir).parent_path().string());
}

}  // namespace sx::server
