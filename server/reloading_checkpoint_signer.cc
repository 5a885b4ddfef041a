#include "server/reloading_checkpoint_signer.h"

#include "absl/strings/str_cat.h"
#include "server/hub_log.h"
#include "sx/base/file_stamp.h"

namespace sx::server {

ReloadingCheckpointSigner::ReloadingCheckpointSigner(
    std::string path, transparency::CheckpointSigner initial)
    : path_(std::move(path)), signer_(std::move(initial)) {
  stamp_ = base::FileStamp(path_);
}

transparency::CheckpointSigner ReloadingCheckpointSigner::Current() {
  const std::string stamp = base::FileStamp(path_);
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
