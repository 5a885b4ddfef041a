#include "sx/transparency/step_signature.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sx/base/openssl_handles.h"
#include "sx/base/sha256.h"
#include "sx/base/status_macros.h"
#include "sx/transparency/merkle_hasher.h"
#include "sx/transparency/merkle_proofs.h"
#include "sx/transparency/merkle_verifier.h"
#include "transparency/signature_keys.h"
#include "transparency/vector_hash_source.h"

namespace sx::transparency {
namespace {

using openssl::ClearOpenSslErrors;
using openssl::OpenSslError;

// Part of the canonical form: changing it invalidates every signature.
constexpr absl::string_view kStepDomain = "sxhub step v1";

constexpr char kUriSanHint[] =
    "a signing certificate must carry exactly one URI subjectAltName, the "
    "agency's identity (e.g. spiffe://hub.example/agency/NAME)";

struct X509ObjectFree {
  void operator()(X509_STORE* store) const { X509_STORE_free(store); }
  void operator()(X509_STORE_CTX* ctx) const { X509_STORE_CTX_free(ctx); }
  void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, X509ObjectFree>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, X509ObjectFree>;

// SHA-256 is in every OpenSSL provider configuration, FIPS included; without
// it no step could be hashed at all, so, as in sx::Sha256, failing to fetch
// it ends the process rather than every caller handling a status that never
// happens.
const MerkleHasher& StepHasher() {
  static const MerkleHasher* const hasher = [] {
    absl::StatusOr<MerkleHasher> created =
        MerkleHasher::Create(HashAlgorithm::kSha256);
    if (!created.ok()) std::abort();
    return new MerkleHasher(*std::move(created));
  }();
  return *hasher;
}

VectorHashSource StepTree(const std::vector<std::string>& step_digests) {
  VectorHashSource tree(StepHasher());
  for (const std::string& digest : step_digests) tree.AppendLeaf(digest);
  return tree;
}

absl::Status CheckRootSize(absl::string_view root) {
  if (root.size() == kSha256Bytes) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("a step root has ", kSha256Bytes, " bytes, not ",
                   root.size(), " (pass StepRoot's raw bytes)"));
}

absl::StatusOr<std::string> CertificateDer(X509* certificate) {
  unsigned char* der = nullptr;
  const int length = i2d_X509(certificate, &der);
  if (length <= 0) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        "cannot encode the signing certificate as DER");
  }
  std::string result(reinterpret_cast<const char*>(der),
                     static_cast<size_t>(length));
  OPENSSL_free(der);
  return result;
}

// The one URI SAN of `certificate`, printable so that it can go into logs
// and messages as it is.
absl::StatusOr<std::string> OnlyUriSan(X509* certificate) {
  int critical = 0;
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, &critical, nullptr)));
  if (names == nullptr) {
    ClearOpenSslErrors();
    if (critical == -2) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the signing certificate has more than one subjectAltName "
          "extension; ",
          kUriSanHint));
    }
    if (critical >= 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the signing certificate's subjectAltName does not parse; ",
          kUriSanHint));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "the signing certificate has no subjectAltName; ", kUriSanHint));
  }
  std::vector<std::string> uris;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
    uris.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                      static_cast<size_t>(ASN1_STRING_length(uri)));
  }
  if (uris.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the signing certificate has ", uris.size(), " URI subjectAltNames",
        uris.empty() ? "" : " (", absl::StrJoin(uris, ", "),
        uris.empty() ? "" : ")", "; ", kUriSanHint));
  }
  const std::string& uri = uris.front();
  // A URI has no spaces, controls or NULs (RFC 3986); one that does would
  // forge log lines or compare unequal to what a person reads.
  const bool printable =
      !uri.empty() && std::all_of(uri.begin(), uri.end(),
                                  [](char c) { return c > ' ' && c < 0x7f; });
  if (!printable) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the signing certificate's URI subjectAltName is empty or has "
        "characters a URI cannot have; ",
        kUriSanHint));
  }
  return uri;
}

}  // namespace

std::string StepDigest(absl::string_view method,
                       absl::string_view request_sha256) {
  return Sha256(absl::StrCat(kStepDomain, absl::string_view("\0", 1), method,
                             absl::string_view("\0", 1), request_sha256));
}

std::string StepRoot(const std::vector<std::string>& step_digests) {
  VectorHashSource tree = StepTree(step_digests);
  absl::StatusOr<std::string> root = RootHash(tree.size(), tree, StepHasher());
  // Every node of the tree is in memory: reading one cannot fail.
  if (!root.ok()) std::abort();
  return *std::move(root);
}

std::vector<std::string> StepPath(const std::vector<std::string>& step_digests,
                                  uint64_t index) {
  if (index >= step_digests.size()) return {};
  VectorHashSource tree = StepTree(step_digests);
  absl::StatusOr<std::vector<std::string>> path =
      InclusionProof(index, tree.size(), tree, StepHasher());
  if (!path.ok()) std::abort();  // As in StepRoot.
  return *std::move(path);
}

StepTreePaths StepRootAndPaths(const std::vector<std::string>& step_digests) {
  VectorHashSource tree = StepTree(step_digests);
  StepTreePaths result;
  absl::StatusOr<std::string> root = RootHash(tree.size(), tree, StepHasher());
  if (!root.ok()) std::abort();  // As in StepRoot.
  result.root = *std::move(root);
  result.paths.reserve(step_digests.size());
  for (uint64_t index = 0; index < step_digests.size(); ++index) {
    absl::StatusOr<std::vector<std::string>> path =
        InclusionProof(index, tree.size(), tree, StepHasher());
    if (!path.ok()) std::abort();  // As in StepRoot.
    result.paths.push_back(*std::move(path));
  }
  return result;
}

absl::StatusOr<std::string> StepRootFromPath(
    absl::string_view step_digest, uint64_t index, uint64_t size,
    const std::vector<std::string>& path) {
  if (step_digest.size() != kSha256Bytes) {
    return absl::InvalidArgumentError(absl::StrCat("a step digest has ",
                                                   kSha256Bytes, " bytes, not ",
                                                   step_digest.size()));
  }
  const MerkleHasher& hasher = StepHasher();
  return RootFromInclusionProof(hasher, index, size,
                                hasher.LeafHash(step_digest), path);
}

absl::StatusOr<StepSigner> StepSigner::FromPemFiles(
    const std::string& key_file, const std::string& certificate_file) {
  SX_ASSIGN_OR_RETURN(const std::string key_pem,
                      internal::ReadPemFile(key_file, "signing key"));
  SX_ASSIGN_OR_RETURN(
      const std::string certificate_pem,
      internal::ReadPemFile(certificate_file, "signing certificate"));
  absl::StatusOr<StepSigner> signer = FromPem(key_pem, certificate_pem);
  if (!signer.ok()) {
    return absl::Status(signer.status().code(),
                        absl::StrCat(key_file, " and ", certificate_file, ": ",
                                     signer.status().message()));
  }
  return signer;
}

absl::StatusOr<StepSigner> StepSigner::FromPem(
    absl::string_view key_pem, absl::string_view certificate_pem) {
  SX_ASSIGN_OR_RETURN(internal::SignatureKey key,
                      internal::PrivateKeyFromPem(key_pem));
  SX_ASSIGN_OR_RETURN(
      openssl::X509Ptr parsed,
      internal::CertificateFromPem(certificate_pem, "the signing certificate"));
  SX_ASSIGN_OR_RETURN(const std::string der, CertificateDer(parsed.get()));
  SX_ASSIGN_OR_RETURN(const SigningCertificate certificate,
                      SigningCertificate::FromDer(der));
  // Both keys went through PrepareSignatureKey, so an SM2 key compares with
  // an SM2 key even when one of them was read as "EC" on the SM2 curve.
  if (EVP_PKEY_eq(certificate.key_.get(), key.key.get()) != 1) {
    ClearOpenSslErrors();
    return absl::InvalidArgumentError(
        absl::StrCat("the signing certificate (", certificate.uri(),
                     ") is not for the signing key: configure the key with the "
                     "certificate issued for it"));
  }
  return StepSigner(std::move(key.key), key.algorithm, certificate.der_);
}

absl::StatusOr<std::string> StepSigner::Sign(absl::string_view root) const {
  SX_RETURN_IF_ERROR(CheckRootSize(root));
  return internal::SignWithKey(internal::SignatureKey{key_, algorithm_}, root);
}

absl::StatusOr<SigningCertificate> SigningCertificate::FromDer(
    absl::string_view der) {
  const auto* begin = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* end = begin;
  openssl::X509Ptr parsed(
      d2i_X509(nullptr, &end, static_cast<long>(der.size())));
  if (parsed == nullptr) {
    return OpenSslError(
        absl::StatusCode::kInvalidArgument,
        "the signing certificate is not a DER X.509 certificate");
  }
  if (end != begin + der.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the signing certificate has ", begin + der.size() - end,
        " bytes after its DER certificate; send exactly one certificate"));
  }
  // Also computes the key usage read below.
  const uint32_t extension_flags = X509_get_extension_flags(parsed.get());
  if ((extension_flags & EXFLAG_INVALID) != 0) {
    ClearOpenSslErrors();
    return absl::InvalidArgumentError(
        "the signing certificate has extensions that do not parse");
  }

  SigningCertificate result;
  SX_ASSIGN_OR_RETURN(std::string uri, OnlyUriSan(parsed.get()));
  EVP_PKEY* public_key = X509_get0_pubkey(parsed.get());  // Owned by parsed.
  if (public_key == nullptr) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        "the signing certificate's public key does not parse");
  }
  absl::StatusOr<internal::SignatureKey> key =
      internal::PrepareSignatureKey(public_key, /*private_key=*/false);
  if (!key.ok()) {
    return absl::Status(key.status().code(),
                        absl::StrCat("the signing certificate of ", uri, ": ",
                                     key.status().message()));
  }
  result.key_ = std::move(key->key);
  result.algorithm_ = key->algorithm;
  // Without a keyUsage extension OpenSSL reports every usage; here that
  // counts as none.
  result.content_commitment_ =
      (extension_flags & EXFLAG_KUSAGE) != 0 &&
      (X509_get_key_usage(parsed.get()) & KU_NON_REPUDIATION) != 0;
  result.certificate_ =
      std::shared_ptr<X509>(parsed.release(), openssl::OpenSslFree());
  result.der_ = std::make_shared<const std::string>(der);
  result.sha256_ = std::make_shared<const std::string>(Sha256(der));
  result.uri_ = std::make_shared<const std::string>(std::move(uri));
  return result;
}

absl::Status SigningCertificate::Verify(absl::string_view root,
                                        absl::string_view signature) const {
  SX_RETURN_IF_ERROR(CheckRootSize(root));
  const absl::Status verified = internal::VerifyWithKey(
      internal::SignatureKey{key_, algorithm_}, root, signature);
  if (!verified.ok()) {
    return absl::Status(verified.code(),
                        absl::StrCat("step ", verified.message(),
                                     " (certificate ", uri(), ")"));
  }
  return absl::OkStatus();
}

absl::string_view SigningCertificate::algorithm_name() const {
  return SignatureAlgorithmName(algorithm_);
}

std::string SigningCertificate::Pem() const {
  // RFC 7468: base64 in lines of 64 characters.
  const std::string base64 = absl::Base64Escape(*der_);
  std::string pem = "-----BEGIN CERTIFICATE-----\n";
  for (size_t i = 0; i < base64.size(); i += 64) {
    absl::StrAppend(&pem, absl::string_view(base64).substr(i, 64), "\n");
  }
  absl::StrAppend(&pem, "-----END CERTIFICATE-----\n");
  return pem;
}

absl::StatusOr<SigningTrust> SigningTrust::FromPemFile(
    const std::string& ca_file) {
  SX_ASSIGN_OR_RETURN(const std::string pem,
                      internal::ReadPemFile(ca_file, "signing CA"));
  absl::StatusOr<SigningTrust> trust = FromPem(pem);
  if (!trust.ok()) {
    return absl::Status(trust.status().code(),
                        absl::StrCat(ca_file, ": ", trust.status().message()));
  }
  return trust;
}

absl::StatusOr<SigningTrust> SigningTrust::FromPem(absl::string_view ca_pem) {
  std::shared_ptr<X509_STORE> store(X509_STORE_new(), X509ObjectFree());
  openssl::BioPtr bio = openssl::MemoryBio(ca_pem);
  if (store == nullptr || bio == nullptr) {
    return OpenSslError(absl::StatusCode::kInternal,
                        "cannot set up the signing CA store");
  }
  ClearOpenSslErrors();
  int added = 0;
  while (openssl::X509Ptr ca{
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
    if (X509_STORE_add_cert(store.get(), ca.get()) != 1) {
      return OpenSslError(absl::StatusCode::kInvalidArgument,
                          "cannot add a signing CA certificate");
    }
    ++added;
  }
  // The end of the input reads as "no start line"; anything else is a block
  // that does not parse.
  const unsigned long last = ERR_peek_last_error();
  if (last != 0 && !(ERR_GET_LIB(last) == ERR_LIB_PEM &&
                     ERR_GET_REASON(last) == PEM_R_NO_START_LINE)) {
    return OpenSslError(
        absl::StatusCode::kInvalidArgument,
        absl::StrCat("signing CA certificate ", added + 1, " does not parse"));
  }
  ClearOpenSslErrors();
  if (added == 0) {
    return absl::InvalidArgumentError(
        "no PEM certificate among the signing CAs; give the CA "
        "certificates that issue agencies' signing certificates");
  }
  return SigningTrust(std::move(store));
}

absl::Status SigningTrust::Check(const SigningCertificate& certificate,
                                 absl::Time at) const {
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (ctx == nullptr ||
      X509_STORE_CTX_init(ctx.get(), store_.get(),
                          certificate.certificate_.get(), nullptr) != 1) {
    return OpenSslError(absl::StatusCode::kInternal,
                        "cannot set up certificate verification");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  // The step's time, not now: a signature stays valid after its certificate
  // expires.
  X509_VERIFY_PARAM_set_time(param, absl::ToTimeT(at));
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_USE_CHECK_TIME);
  // A signing certificate has no TLS extendedKeyUsage, or one for another
  // purpose; what it may sign is allows_content_commitment's question.
  if (X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_ANY) != 1) {
    return OpenSslError(absl::StatusCode::kInternal,
                        "cannot set the verification purpose");
  }
  const int verified = X509_verify_cert(ctx.get());
  if (verified == 1) return absl::OkStatus();
  const int error = X509_STORE_CTX_get_error(ctx.get());
  if (error == X509_V_OK) {
    return OpenSslError(absl::StatusCode::kInternal,
                        "certificate verification failed to run");
  }
  ClearOpenSslErrors();
  const int depth = X509_STORE_CTX_get_error_depth(ctx.get());
  return absl::PermissionDeniedError(absl::StrCat(
      "the signing certificate of ", certificate.uri(), " is not trusted at ",
      absl::FormatTime(absl::RFC3339_sec, at, absl::UTCTimeZone()), ": ",
      X509_verify_cert_error_string(error),
      depth == 0 ? " (the signing certificate itself)"
                 : absl::StrCat(" (the CA certificate ", depth,
                                " level(s) above the signing certificate)")));
}

}  // namespace sx::transparency
