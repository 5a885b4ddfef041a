#include "sx/transparency/checkpoint_signature.h"

#include <openssl/pem.h>

#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "sx/base/openssl_handles.h"
#include "sx/base/status_macros.h"
#include "transparency/signature_keys.h"

namespace sx::transparency {
namespace {

// Refuses every passphrase request: without a callback OpenSSL would prompt
// on the terminal of a server process.
int NoPassphrase(char* /*buffer*/, int /*size*/, int /*rwflag*/,
                 void* /*userdata*/) {
  return -1;
}

}  // namespace

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
  openssl::BioPtr bio = openssl::MemoryBio(pem);
  if (bio == nullptr) {
    return openssl::OpenSslError(absl::StatusCode::kInvalidArgument,
                                 "cannot read the signing key PEM");
  }
  openssl::EvpPkeyPtr key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (key == nullptr) {
    return openssl::OpenSslError(
        absl::StatusCode::kInvalidArgument,
        "no unencrypted PEM private key in the signing key");
  }
  SX_ASSIGN_OR_RETURN(
      internal::SignatureKey prepared,
      internal::PrepareSignatureKey(key.get(), /*private_key=*/true));
  return CheckpointSigner(std::move(prepared.key), prepared.algorithm);
}

absl::StatusOr<CheckpointSigner> CheckpointSigner::FromPemFile(
    const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(
        absl::StrCat("cannot open signing key file ", path));
  }
  const std::string pem((std::istreambuf_iterator<char>(file)),
                        std::istreambuf_iterator<char>());
  if (file.bad()) {
    return absl::NotFoundError(
        absl::StrCat("cannot read signing key file ", path));
  }
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
  openssl::BioPtr bio = openssl::MemoryBio(certificate_pem);
  if (bio == nullptr) {
    return openssl::OpenSslError(absl::StatusCode::kInvalidArgument,
                                 "cannot read the certificate PEM");
  }
  openssl::X509Ptr cert(
      PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr));
  if (cert == nullptr) {
    return openssl::OpenSslError(absl::StatusCode::kInvalidArgument,
                                 "no PEM certificate to verify with");
  }
  EVP_PKEY* public_key = X509_get0_pubkey(cert.get());  // Owned by cert.
  if (public_key == nullptr) {
    return openssl::OpenSslError(absl::StatusCode::kInvalidArgument,
                                 "certificate has no usable public key");
  }
  SX_ASSIGN_OR_RETURN(
      internal::SignatureKey key,
      internal::PrepareSignatureKey(public_key, /*private_key=*/false));
  return internal::VerifyWithKey(key, text, signature);
}

}  // namespace sx::transparency
