// Test-only: fresh keys of each supported type with a self-signed
// certificate, made with OpenSSL's APIs (no files, no openssl binary).
#pragma once

#include <openssl/evp.h>

#include <string>

#include "absl/status/statusor.h"
#include "sx/base/openssl_handles.h"

namespace sx::transparency::testing {

enum class TestKeyType {
  kEcP256,
  kRsa2048,
  // Type "SM2", as OpenSSL's decoders return SM2 keys.
  kSm2,
  // Type "EC" on the SM2 curve, as EVP_PKEY_Q_keygen("EC", "SM2") makes.
  kEcOnSm2Curve,
  kEd25519,
};

struct TestKey {
  openssl::EvpPkeyPtr key;
  std::string private_key_pem;  // PKCS#8, unencrypted.
  std::string certificate_pem;  // Self-signed, valid for a day.
};

absl::StatusOr<TestKey> GenerateTestKey(TestKeyType type);

// The key as PKCS#8 PEM encrypted with `passphrase`.
absl::StatusOr<std::string> EncryptedPem(EVP_PKEY* key,
                                         const std::string& passphrase);

}  // namespace sx::transparency::testing
