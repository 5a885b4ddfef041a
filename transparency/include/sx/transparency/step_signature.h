// Signed steps (non-repudiation): an agency signs each step it takes with
// its own signing key, so that a step in the hub's history proves that the
// agency asked for it, and the hub's operator alone cannot forge one.
//
// The canonical form, which any client can compute (the e2e tests sign with
// `protoc --encode` and `openssl dgst`):
//   request_sha256 = SHA-256 of the request message serialized with its
//                    fields in field-number order and no unknown fields (what
//                    every protobuf library writes for these messages).
//   step digest    = SHA-256("sxhub step v1" || 0x00 || method || 0x00 ||
//                    request_sha256), `method` being the full gRPC method,
//                    e.g. "/supervision.v1.ExchangeService/AcceptReferral".
//   signed root    = the RFC 6962 Merkle tree hash, over SHA-256, of the
//                    call's step digests taken as leaves: one leaf for a
//                    unary step, so root = SHA-256(0x00 || step digest); a
//                    batch (SubmitReferrals) has one leaf per item, in order,
//                    each the step digest of that item as a SubmitReferral.
//   signature      = the signing key's signature over the 32 root bytes:
//                    ECDSA with SHA-256 (DER), RSASSA-PKCS1-v1_5 with
//                    SHA-256, or SM2 with SM3 and the user id
//                    "1234567812345678" (DER), as the key's type says.
// A batch item keeps its index, the batch size and its RFC 6962 audit path,
// so that it verifies alone. The root binds each item's digest and position,
// but not the batch size as such: trees of different sizes with the same
// shape along a path give the same root (see merkle_verifier.h).
//
//   SX_ASSIGN_OR_RETURN(StepSigner signer,
//                       StepSigner::FromPemFiles(key_file, cert_file));
//   std::string root = StepRoot({StepDigest(method, Sha256(bytes))});
//   SX_ASSIGN_OR_RETURN(std::string signature, signer.Sign(root));
//   ...
//   SX_ASSIGN_OR_RETURN(SigningCertificate cert,
//                       SigningCertificate::FromDer(signer.certificate_der()));
//   SX_RETURN_IF_ERROR(trust.Check(cert, absl::Now()));
//   SX_RETURN_IF_ERROR(cert.Verify(root, signature));
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sx/transparency/checkpoint_signature.h"

// OpenSSL's types, kept out of this header.
struct evp_pkey_st;
struct x509_st;
struct x509_store_st;

namespace sx::transparency {

// The gRPC metadata a signed call carries: the signature over the root, and
// the DER signing certificate.
inline constexpr char kStepSignatureMetadata[] = "sx-step-signature-bin";
inline constexpr char kSigningCertificateMetadata[] =
    "sx-signing-certificate-bin";

// SHA-256("sxhub step v1" || 0x00 || method || 0x00 || request_sha256).
std::string StepDigest(absl::string_view method,
                       absl::string_view request_sha256);

// The RFC 6962 tree hash over SHA-256 of `step_digests` as leaves.
// REQUIRES: !step_digests.empty().
std::string StepRoot(const std::vector<std::string>& step_digests);

// The RFC 6962 audit path of leaf `index` in the tree over `step_digests`:
// empty for a tree of one. REQUIRES: index < step_digests.size() (else the
// path is empty, which StepRootFromPath refuses for such an index).
std::vector<std::string> StepPath(const std::vector<std::string>& step_digests,
                                  uint64_t index);

// The root and every leaf's audit path, from one building of the tree:
// O(n log n) hashes, where n calls of StepPath would rebuild it n times.
struct StepTreePaths {
  std::string root;
  std::vector<std::vector<std::string>> paths;  // one per leaf, in order
};
// REQUIRES: !step_digests.empty().
StepTreePaths StepRootAndPaths(const std::vector<std::string>& step_digests);

// The root that `step_digest` at `index` of a tree of `size` leaves and
// `path` lead to. INVALID_ARGUMENT if index >= size, the path has the
// wrong length for them, or the digest or a path entry is not 32 bytes.
absl::StatusOr<std::string> StepRootFromPath(
    absl::string_view step_digest, uint64_t index, uint64_t size,
    const std::vector<std::string>& path);

// An agency's signing key and its certificate. Thread-safe, cheap to copy.
class StepSigner {
 public:
  // An unencrypted PEM private key (EC P-256, RSA or SM2) and the PEM
  // certificate of its public key. INVALID_ARGUMENT if either does not parse,
  // the key is encrypted or of another type, the certificate is not for the
  // key, or it is not one SigningCertificate::FromDer accepts (so that a
  // misissued certificate fails at startup, not on every signed call);
  // NOT_FOUND if a file cannot be read.
  static absl::StatusOr<StepSigner> FromPemFiles(
      const std::string& key_file, const std::string& certificate_file);
  static absl::StatusOr<StepSigner> FromPem(absl::string_view key_pem,
                                            absl::string_view certificate_pem);

  // The signature over `root`. INVALID_ARGUMENT unless `root` is 32 bytes
  // (a StepRoot, not e.g. its hex form).
  absl::StatusOr<std::string> Sign(absl::string_view root) const;
  const std::string& certificate_der() const { return *certificate_der_; }

 private:
  StepSigner(std::shared_ptr<evp_pkey_st> key, SignatureAlgorithm algorithm,
             std::shared_ptr<const std::string> certificate_der)
      : key_(std::move(key)),
        algorithm_(algorithm),
        certificate_der_(std::move(certificate_der)) {}

  std::shared_ptr<evp_pkey_st> key_;
  SignatureAlgorithm algorithm_;
  std::shared_ptr<const std::string> certificate_der_;
};

// A signing certificate as read, not yet trusted (see SigningTrust).
// Thread-safe, cheap to copy.
class SigningCertificate {
 public:
  // INVALID_ARGUMENT if `der` is not one X.509 certificate, does not carry
  // exactly one URI SAN, or has a key of another type than EC, RSA or SM2.
  // An EC key on the SM2 curve verifies as SM2 (as its private half signs).
  static absl::StatusOr<SigningCertificate> FromDer(absl::string_view der);

  // OK if `signature` is this certificate's key's signature over `root`;
  // DATA_LOSS if not (altered step, altered signature, or another key);
  // INVALID_ARGUMENT unless `root` is 32 bytes.
  absl::Status Verify(absl::string_view root,
                      absl::string_view signature) const;

  // Its URI SAN, e.g. "spiffe://hub.example/agency/inspection-office".
  const std::string& uri() const { return *uri_; }
  // Whether its key usage allows content commitment (nonRepudiation), which
  // a signing certificate must: a TLS client certificate does not. False
  // for a certificate without a keyUsage extension: unlike OpenSSL's "any
  // usage" default, a signature that binds an agency must have been meant.
  bool allows_content_commitment() const { return content_commitment_; }
  // "ecdsa-sha256", "rsa-pkcs1-sha256" or "sm2-sm3".
  absl::string_view algorithm_name() const;
  const std::string& der() const { return *der_; }
  // The PEM form, as CertificateRevocations and logs take certificates.
  std::string Pem() const;
  // SHA-256 of der().
  const std::string& sha256() const { return *sha256_; }

 private:
  friend class SigningTrust;
  friend class StepSigner;  // Checks that its certificate is for its key.
  SigningCertificate() = default;

  std::shared_ptr<x509_st> certificate_;
  std::shared_ptr<evp_pkey_st> key_;
  SignatureAlgorithm algorithm_ = SignatureAlgorithm::kEcdsaSha256;
  std::shared_ptr<const std::string> der_;
  std::shared_ptr<const std::string> sha256_;
  std::shared_ptr<const std::string> uri_;
  bool content_commitment_ = false;
};

// The certificate authorities whose signing certificates are trusted.
// Thread-safe, cheap to copy. Revocation is the caller's to check (the hub
// uses its CRL list); offline verification checks the chain and dates.
class SigningTrust {
 public:
  // A PEM file of one or more CA certificates. INVALID_ARGUMENT if it holds
  // none; NOT_FOUND if it cannot be read.
  static absl::StatusOr<SigningTrust> FromPemFile(const std::string& ca_file);
  static absl::StatusOr<SigningTrust> FromPem(absl::string_view ca_pem);

  // OK if `certificate` was issued by one of the CAs (directly or through
  // intermediates in the same file) and is valid at `at`.
  // PERMISSION_DENIED, naming the reason (OpenSSL's verify error), if not.
  absl::Status Check(const SigningCertificate& certificate,
                     absl::Time at) const;

 private:
  explicit SigningTrust(std::shared_ptr<x509_store_st> store)
      : store_(std::move(store)) {}

  std::shared_ptr<x509_store_st> store_;
};

}  // namespace sx::transparency
