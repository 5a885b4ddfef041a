// Signing checkpoint text with the hub's key, and checking such a signature
// against the hub's X.509 certificate. The algorithm follows the key:
//   EC (other than SM2)  ECDSA with SHA-256, DER-encoded signature;
//   RSA                  RSASSA-PKCS1-v1_5 with SHA-256;
//   SM2                  SM2 with SM3 and the user id "1234567812345678"
//                        (GB/T 35276), DER-encoded signature.
//
//   SX_ASSIGN_OR_RETURN(CheckpointSigner signer,
//                       CheckpointSigner::FromPemFile(config.key_file()));
//   SX_ASSIGN_OR_RETURN(std::string signature, signer.Sign(text));
//   ...
//   SX_RETURN_IF_ERROR(VerifyCheckpointSignature(text, signature, cert_pem));
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// OpenSSL's key type, kept out of this header.
struct evp_pkey_st;

namespace sx::transparency {

// The SM2 distinguishing identifier both sides use, always set explicitly:
// OpenSSL 3.0's own default is a different id, so e.g. `openssl dgst -sm3`
// interoperates only with `-sigopt distid:1234567812345678`.
inline constexpr char kSm2UserId[] = "1234567812345678";

enum class SignatureAlgorithm { kEcdsaSha256, kRsaPkcs1Sha256, kSm2Sm3 };

// "ecdsa-sha256", "rsa-pkcs1-sha256" or "sm2-sm3", for logs and messages.
absl::string_view SignatureAlgorithmName(SignatureAlgorithm algorithm);

// Thread-safe: the key is immutable after loading and each Sign call uses its
// own OpenSSL contexts. Cheap to copy (copies share the key).
class CheckpointSigner {
 public:
  // An unencrypted PEM private key (PKCS#8 or traditional "EC PRIVATE KEY" /
  // "RSA PRIVATE KEY"). Encrypted keys are refused rather than prompting.
  static absl::StatusOr<CheckpointSigner> FromPem(absl::string_view pem);
  // NOT_FOUND if the file cannot be read; otherwise as FromPem.
  static absl::StatusOr<CheckpointSigner> FromPemFile(const std::string& path);

  // Raw signature bytes over `text` (the caller base64-encodes them).
  absl::StatusOr<std::string> Sign(absl::string_view text) const;

  SignatureAlgorithm algorithm() const { return algorithm_; }

 private:
  CheckpointSigner(std::shared_ptr<evp_pkey_st> key,
                   SignatureAlgorithm algorithm)
      : key_(std::move(key)), algorithm_(algorithm) {}

  std::shared_ptr<evp_pkey_st> key_;
  SignatureAlgorithm algorithm_;
};

// OK if `signature` (raw bytes) is a valid signature over `text` by the
// public key in `certificate_pem` (the first certificate in it). Checks only
// the signature: whether the certificate is the hub's and is trusted is the
// caller's decision. INVALID_ARGUMENT for an unreadable certificate or an
// unsupported key type; DATA_LOSS if the signature does not verify (altered
// text, altered signature, or another key).
absl::Status VerifyCheckpointSignature(absl::string_view text,
                                       absl::string_view signature,
                                       absl::string_view certificate_pem);

}  // namespace sx::transparency
