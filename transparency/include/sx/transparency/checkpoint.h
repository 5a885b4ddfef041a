// The signed text of a checkpoint ("the log has tree_size leaves with this
// root"), in the exact format documented on SignedCheckpoint in
// proto/supervision/v1/audit.proto:
//
//   sxhub-checkpoint/v1
//   origin demo
//   hash sha256
//   size 42
//   root <base64 of the root hash, with padding>
//   time 2024-05-01T12:00:00Z
//
// Parsing is strict: only text that FormatCheckpoint could have produced is
// accepted, so one checkpoint has exactly one signed form.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sx::transparency {

inline constexpr char kCheckpointHeader[] = "sxhub-checkpoint/v1";

// A plain value type.
struct Checkpoint {
  // The hub id. Printable ASCII without spaces, not empty.
  std::string origin;
  // "sha256" or "sm3" (see HashAlgorithmName).
  std::string hash_name;
  uint64_t tree_size = 0;
  // Raw bytes, as long as a digest of `hash_name`.
  std::string root_hash;
  // Written in UTC with the fraction of a second only when it is non-zero,
  // e.g. 2024-05-01T12:00:00Z or 2024-05-01T12:00:00.25Z.
  absl::Time time;
};

bool operator==(const Checkpoint& a, const Checkpoint& b);
inline bool operator!=(const Checkpoint& a, const Checkpoint& b) {
  return !(a == b);
}

// The text to sign, ending in a newline. INVALID_ARGUMENT if a field breaks
// the rules above (e.g. an origin with a newline would forge extra lines).
absl::StatusOr<std::string> FormatCheckpoint(const Checkpoint& checkpoint);

// Inverse of FormatCheckpoint. INVALID_ARGUMENT, naming the offending line,
// for anything FormatCheckpoint would not have written: other line order,
// extra or missing lines or spaces, CR, no final newline, leading zeros,
// unpadded or non-canonical base64, a root of the wrong length, or a time not
// in canonical UTC form. Says nothing about the signature.
absl::StatusOr<Checkpoint> ParseCheckpoint(absl::string_view text);

}  // namespace sx::transparency
