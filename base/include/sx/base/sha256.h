// SHA-256 through OpenSSL's EVP interface, for attachment digests, request
// fingerprints and the audit chain.
//
//   std::string digest = Sha256("bytes");      // 32 raw bytes
//   std::string hex = Sha256Hex("bytes");       // 64 lower-case hex chars
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace sx {

inline constexpr size_t kSha256Bytes = 32;

// Returns the 32-byte digest of `data`.
std::string Sha256(absl::string_view data);

// Returns the digest of `data` as 64 lower-case hex characters.
std::string Sha256Hex(absl::string_view data);

}  // namespace sx
