#include "sx/transparency/checkpoint_signature.h"

#include <openssl/x509.h>

#include "absl/strings/str_cat.h"
#include "sx/base/openssl_handles.h"
#include "sx/base/status_macros.h"
#include "transparency/signature_keys.h"

namespace sx::transparency {

absl::string_view SignatureAlgorithmName(SignatureAlgorithm algorithm) {
  switch (algorithm) {
    case SignatureAlgorithm::kEcdsaSha256:
      return "ecdsa-sha256";
    case SignatureAlgorithm::kRsaPkcs1Sha256:
      return "rsa-pkcs1-sha256";
    case SignatureAlgorithm::kSm2Sm3:
      return "sm2-sm3";
  }
  return "unknown";
}

absl::StatusOr<CheckpointSigner> CheckpointSigner::FromPem(
    absl::string_view pem) {
  SX_ASSIGN_OR_RETURN(internal::SignatureKey key,
                      internal::PrivateKeyFromPem(pem));
  return CheckpointSigner(std::move(key.key), key.algorithm);
}

absl::StatusOr<CheckpointSigner> CheckpointSigner::FromPemFile(
    const std::string& path) {
  SX_ASSIGN_OR_RETURN(const std::string pem,
                      internal::ReadPemFile(path, "signing key"));
  absl::StatusOr<CheckpointSigner> signer = FromPem(pem);
  if (!signer.ok()) {
    return absl::Status(signer.status().code(),
                        absl::StrCat(path, ": ", signer.status().message()));
  }
  return signer;
}

absl::StatusOr<std::string> CheckpointSigner::Sign(
    absl::string_view text) const {
  return internal::SignWithKey(internal::SignatureKey{key_, algorithm_}, text);
}

absl::Status VerifyCheckpointSignature(absl::string_view text,
                                       absl::string_view signature,
                                       absl::string_view certificate_pem) {
  SX_ASSIGN_OR_RETURN(
      openssl::X509Ptr certificate,
      internal::CertificateFromPem(certificate_pem, "the hub certificate"));
  EVP_PKEY* public_key = X509_get0_pubkey(certificate.get());  // Owned by it.
  if (public_key == nullptr) {
    return openssl::OpenSslError(absl::StatusCode::kInvalidArgument,
                                 "certificate has no usable public key");
  }
  SX_ASSIGN_OR_RETURN(
      internal::SignatureKey key,
      internal::PrepareSignatureKey(public_key, /*private_key=*/false));
  const absl::Status verified = internal::VerifyWithKey(key, text, signature);
  if (!verified.ok()) {
    return absl::Status(verified.code(),
                        absl::StrCat("checkpoint ", verified.message()));
  }
  return absl::OkStatus();
}

}  // namespace sx::transparency
