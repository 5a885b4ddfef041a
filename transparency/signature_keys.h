// Internal to sx::transparency: reads keys and certificates from PEM, picks
// the signature algorithm for an OpenSSL key and signs or verifies with it.
// Shared by checkpoint and step signatures, and apart from them so that tests
// can hand it keys that never went through PEM.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sx/base/openssl_handles.h"
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

// The unencrypted PEM private key in `pem`, prepared for signing.
// INVALID_ARGUMENT if there is none; an encrypted key is refused rather than
// prompting for a passphrase on the terminal of a server process.
absl::StatusOr<SignatureKey> PrivateKeyFromPem(absl::string_view pem);

// The first certificate in `pem`; INVALID_ARGUMENT naming `what` (e.g. "the
// signing certificate") if there is none.
absl::StatusOr<openssl::X509Ptr> CertificateFromPem(absl::string_view pem,
                                                    absl::string_view what);

// The whole of a key or certificate file. NOT_FOUND, naming `what` (e.g.
// "signing key") and the path, if it cannot be read.
absl::StatusOr<std::string> ReadPemFile(const std::string& path,
                                        absl::string_view what);

absl::StatusOr<std::string> SignWithKey(const SignatureKey& key,
                                        absl::string_view data);

// DATA_LOSS if the signature does not verify.
absl::Status VerifyWithKey(const SignatureKey& key, absl::string_view data,
                           absl::string_view signature);

}  // namespace sx::transparency::internal
