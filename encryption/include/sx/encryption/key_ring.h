// The key-encryption keys of the hub's encryption at rest, read from the key
// file the config names (AtRestEncryption.key_file):
//
//   # sxhub key file: NAME HEX, the first encrypts from now on
//   2026-12 5f0c...(64 hex digits: 32 random bytes)
//   2026-06 9ab1...
//
// A key is known by its fingerprint, not its name, so that a different key
// under a reused name is never taken for the old one.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sx::encryption {

struct KeyEncryptionKey {
  std::string name;
  // The first 16 hex digits of HMAC-SHA256(secret, "sxhub key fingerprint").
  std::string fingerprint;
  // 32 bytes.
  std::string secret;
};

class KeyRing {
 public:
  // Reads and checks the key file: it must be a regular file that neither
  // group nor others may access (e.g. mode 0600 or 0400) and hold at least
  // one key, each of 64 hex digits, with names and keys each used once. The
  // message names the file and line of the first problem; it never quotes a
  // key.
  static absl::StatusOr<KeyRing> LoadFile(const std::string& path);
  // The same checks on the text of a key file; `origin` names it in errors.
  static absl::StatusOr<KeyRing> Parse(absl::string_view text,
                                       absl::string_view origin);

  // Copies and moves; no assignment, which would free the keys it replaces
  // without wiping them.
  KeyRing(const KeyRing&) = default;
  KeyRing(KeyRing&&) = default;
  KeyRing& operator=(const KeyRing&) = delete;
  KeyRing& operator=(KeyRing&&) = delete;
  // Wipes the keys. Immutable once built, so any number of threads may
  // read one.
  ~KeyRing();

  // The key that wraps the data keys of what is written from now on.
  const KeyEncryptionKey& current() const { return keys_.front(); }
  // The key with this fingerprint, or nullptr.
  const KeyEncryptionKey* Find(absl::string_view fingerprint) const;
  // In file order; never empty.
  const std::vector<KeyEncryptionKey>& keys() const { return keys_; }

 private:
  explicit KeyRing(std::vector<KeyEncryptionKey> keys)
      : keys_(std::move(keys)) {}

  std::vector<KeyEncryptionKey> keys_;
};

// The fingerprint of a 32-byte key (see KeyEncryptionKey::fingerprint).
std::string KeyFingerprint(absl::string_view secret);

}  // namespace sx::encryption
