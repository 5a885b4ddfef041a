#include "reloading_checkpoint_signer.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "hub_log.h"

namespace sx::server {

ReloadingCheckpointSigner::ReloadingCheckpointSigner(
    std::string path, transparency::CheckpointSigner initial)
    : path_(std::move(path)), signer_(std::move(initial)) {
  stamp_ = FileStamp();
}

std::string ReloadingCheckpointSigner::FileStamp() const {
  std::error_code error;
  const auto size = std::filesystem::file_size(path_, error);
  if (error) return "";
  const auto time = std::filesystem::last_write_time(path_, error);
  if (error) return "";
  return absl::StrCat(size, " ", time.time_since_epoch().count());
}

transparency::CheckpointSigner ReloadingCheckpointSigner::Current() {
  const std::string stamp = FileStamp();
  absl::MutexLock lock(&mu_);
  if (stamp == stamp_) return signer_;
  // Said once per state of the file, not on every checkpoint.
  const bool first_look = stamp != failed_stamp_;
  if (stamp.empty()) {
    if (first_look) {
      LogLine(absl::StrCat("checkpoint signing key ", path_,
                           " cannot be read, keeping the previous key"));
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
  failed_stamp_.clear();
  LogLine(absl::StrCat(
      "checkpoint signing key ", path_, " reloaded (",
      transparency::SignatureAlgorithmName(signer_.algorithm()), ")"));
  return signer_;
}

}  // namespace sx::server
