#include "sx/storage/backup_marker.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace sx::storage {
namespace {

constexpr char kHeader[] = "sxhub-backup/v1";

std::string MarkerPath(const std::string& directory) {
  return absl::StrCat(directory, "/", kBackupMarkerFile);
}

absl::Status SyncPath(const std::string& path, int flags) {
  const int fd = open(path.c_str(), flags);
  if (fd < 0 || fsync(fd) != 0) {
    const absl::Status failed = absl::UnavailableError(
        absl::StrCat("storage: cannot sync ", path, ": ", strerror(errno)));
    if (fd >= 0) close(fd);
    return failed;
  }
  close(fd);
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteBackupMarker(const std::string& directory, absl::Time now) {
  unsigned char random[16];
  if (RAND_bytes(random, sizeof(random)) != 1) {
    return absl::InternalError("storage: no randomness for the backup token");
  }
  const std::string token = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(random), sizeof(random)));
  const std::string path = MarkerPath(directory);
  {
    std::ofstream out(path, std::ios::trunc);
    out << kHeader << "\nwritten "
        << absl::FormatTime(absl::RFC3339_sec, now, absl::UTCTimeZone())
        << "\ntoken " << token << "\n";
    if (!out.flush()) {
      return absl::UnavailableError(
          absl::StrCat("storage: cannot write ", path));
    }
  }
  // A backup without its mark would restore silently: both the file and
  // its directory entry must be on disk before the backup is reported.
  if (absl::Status synced = SyncPath(path, O_RDONLY); !synced.ok()) {
    return synced;
  }
  return SyncDirectory(directory);
}

absl::Status SyncDirectory(const std::string& directory) {
  return SyncPath(directory.empty() ? "." : directory, O_RDONLY | O_DIRECTORY);
}

absl::StatusOr<std::optional<BackupMarker>> ReadBackupMarker(
    const std::string& directory) {
  const std::string path = MarkerPath(directory);
  if (access(path.c_str(), F_OK) != 0) {
    // Only a mark that is surely absent lets the directory serve.
    if (errno == ENOENT) return std::nullopt;
    return absl::UnavailableError(absl::StrCat(
        "storage: cannot tell whether ", path, " exists (", strerror(errno),
        "): it would mark this data directory as a restored backup"));
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::vector<std::string> lines =
      absl::StrSplit(absl::StripSuffix(text.str(), "\n"), '\n');
  BackupMarker marker;
  std::string error;
  if (!in || lines.size() != 3 || lines[0] != kHeader ||
      !absl::StartsWith(lines[1], "written ") ||
      !absl::ParseTime(absl::RFC3339_full, lines[1].substr(8), &marker.written,
                       &error) ||
      !absl::StartsWith(lines[2], "token ") || lines[2].size() != 6 + 32) {
    return absl::DataLossError(absl::StrCat(
        "storage: ", path,
        " marks this data directory as a restored backup, but it is "
        "damaged; confirm the restore only after checking the directory is "
        "the backup you meant to restore, then replace the file with one "
        "from the backup"));
  }
  marker.token = lines[2].substr(6);
  return marker;
}

absl::Status RemoveBackupMarker(const std::string& directory) {
  const std::string path = MarkerPath(directory);
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return absl::UnavailableError(
        absl::StrCat("storage: cannot remove ", path, ": ", strerror(errno)));
  }
  return SyncDirectory(directory);
}

}  // namespace sx::storage
