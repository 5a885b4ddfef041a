// The two authenticated ciphers of encryption at rest, over a 32-byte key:
//
// - AES-256-GCM: nonce (12 random bytes) || ciphertext || tag (16 bytes).
// - SM4-CTR then HMAC-SM3 (encrypt-then-MAC; OpenSSL 3.0 has no SM4-GCM):
//   the key gives an SM4 key, the first 16 bytes of HMAC-SM3(key, "sm4"),
//   and a MAC key, HMAC-SM3(key, "hmac-sm3"); the output is
//   iv (16 random bytes) || ciphertext || HMAC-SM3(mac key,
//   be64(len(associated_data)) || associated_data || iv || ciphertext).
//
// Both authenticate `associated_data` without storing it.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "supervision/v1/config.pb.h"

namespace sx::encryption {

using Cipher = ::supervision::v1::AtRestEncryption::Cipher;

// CIPHER_UNSPECIFIED is AES-256-GCM. INVALID_ARGUMENT for a key that is
// not 32 bytes or a cipher this build does not know.
absl::StatusOr<std::string> Seal(Cipher cipher, absl::string_view key,
                                 absl::string_view plaintext,
                                 absl::string_view associated_data);

// DATA_LOSS if `sealed` is too short or does not authenticate with this
// key and associated data (nothing of it is returned then).
absl::StatusOr<std::string> Open(Cipher cipher, absl::string_view key,
                                 absl::string_view sealed,
                                 absl::string_view associated_data);

}  // namespace sx::encryption
