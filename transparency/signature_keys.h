// Internal to sx::transparency: picks the signature algorithm for an OpenSSL
// key and signs or verifies with it. Apart from checkpoint_signature.cc so
// that tests can hand it keys that never went through PEM.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sx/transparency/checkpoint_signature.h"

namespace sx::transparency::internal {

struct SignatureKey {
  std::shared_ptr<EVP_PKEY> key;
  SignatureAlgorithm algorithm;
};

// Shares `key` (taking a reference) and names its algorithm. OpenSSL 3 has
// two kinds of SM2 key: decoders return type "SM2", but an "EC" key on the
// SM2 curve (e.g. generated in memory with group "SM2") would silently sign
// ECDSA-with-SHA-256 over that curve. Such a key is re-imported as an "SM2"
// key. `private_key` says whether to carry the private half across.
// INVALID_ARGUMENT for key types other than EC, RSA and SM2.
absl::StatusOr<SignatureKey> PrepareSignatureKey(EVP_PKEY* key,
                                                 bool private_key);

absl::StatusOr<std::string> SignWithKey(const SignatureKey& key,
                                        absl::string_view data);

// DATA_LOSS if the signature does not verify.
absl::Status VerifyWithKey(const SignatureKey& key, absl::string_view data,
                           absl::string_view signature);

}  // namespace sx::transparency::internal
