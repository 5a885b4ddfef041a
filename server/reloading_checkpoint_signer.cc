#include "reloading_checkpoint_signer.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "hub_log.h"

namespace sx::server {

ReloadingCheckpointSigner::ReloadingCheckpointSigner(
    std::string path, transparency::CheckpointSigner initial)
    : path_(std::move(path)), signer_(std::move(initial)) {
  stamp_ = FileStamp();
}

std::string ReloadingCheckpointSigner::FileStamp() const {
  struct stat info {};
  if (stat(path_.c_str(), &info) != 0) return "";
  // Inode and change time too: tools that keep a file's modification time
  // (cp -p, rsync -t) still change those, and keys of one type often have
  // the same size.
  return absl::StrCat(info.st_size, " ", info.st_ino, " ", info.st_mtim.tv_sec,
                      ".", info.st_mtim.tv_nsec, " ", info.st_ctim.tv_sec, ".",
                      info.st_ctim.tv_nsec);
}

transparency::CheckpointSigner ReloadingCheckpointSigner::Current() {
  const std::string stamp = FileStamp();
  absl::MutexLock lock(&mu_);
  if (stamp == stamp_) return signer_;
  // Said once per state of the file, not on every checkpoint.
  const bool first_look = failed_stamp_ != stamp;
  if (stamp.empty()) {
    if (first_look) {
      LogLine(absl::StrCat("checkpoint signing key ", path_,
                           " is missing or cannot be examined, keeping the "
                           "previous key"));
    }
    failed_stamp_ = stamp;
    return signer_;
  }
  absl::StatusOr<transparency::CheckpointSigner> reloaded =
      transparency::CheckpointSigner::FromPemFile(path_);
  if (!reloaded.ok()) {
    if (first_look) {
      LogLine(absl::StrCat("checkpoint signing key ", path_,
                           " changed but does not load, keeping the "
                           "previous key: ",
                           reloaded.status().message()));
    }
    failed_stamp_ = stamp;
    return signer_;
  }
  signer_ = *std::move(reloaded);
  stamp_ = stamp;
  failed_stamp_.reset();
  LogLine(absl::StrCat(
      "checkpoint signing key ", path_, " reloaded (",
      transparency::SignatureAlgorithmName(signer_.algorithm()), ")"));
  return signer_;
}

}  // namespace sx::server
