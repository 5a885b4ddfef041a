// The hub's checkpoint signing key, re-read when its file changes, so that
// after the hub's key and certificate are rotated (tls.key_file, which is
// also the default audit_log.signing_key_file) checkpoints are signed with
// the key that matches the certificate the hub now serves, without a restart.
#pragma once

#include <optional>
#include <string>

#include "absl/synchronization/mutex.h"
#include "sx/transparency/checkpoint_signature.h"

namespace sx::server {

// Thread-safe.
class ReloadingCheckpointSigner {
 public:
  // `initial` was loaded from `path` at start.
  ReloadingCheckpointSigner(std::string path,
                            transparency::CheckpointSigner initial);

  // The signer for the key file as it is now: re-read if the file's size,
  // inode or times changed since the last look. A file that does not
  // load (e.g. caught half-written) or cannot be read keeps the previous
  // key, logged once, and the next call tries again. Rotate the key and the
  // certificate by renaming complete files over the old ones, key first;
  // auditors keep the old certificate to check older checkpoints.
  transparency::CheckpointSigner Current() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const std::string path_;
  absl::Mutex mu_;
  transparency::CheckpointSigner signer_ ABSL_GUARDED_BY(mu_);
  std::string stamp_ ABSL_GUARDED_BY(mu_);
  // The file's stamp when it last failed to load ("" if it could not be
  // examined), so that each failure is logged once.
  std::optional<std::string> failed_stamp_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sx::server
