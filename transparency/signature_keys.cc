#include "transparency/signature_keys.h"

#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "sx/base/openssl_handles.h"
#include "sx/base/status_macros.h"

namespace sx::transparency::internal {
namespace {

using openssl::ClearOpenSslErrors;
using openssl::EvpMdCtxPtr;
using openssl::EvpPkeyCtxPtr;
using openssl::OpenSslError;
using openssl::OpenSslFree;
using openssl::OsslParamPtr;

const char* DigestName(SignatureAlgorithm algorithm) {
  return algorithm == SignatureAlgorithm::kSm2Sm3 ? "SM3" : "SHA256";
}

// Refuses every passphrase request: without a callback OpenSSL would prompt
// on the terminal of a server process.
int NoPassphrase(char* /*buffer*/, int /*size*/, int /*rwflag*/,
                 void* /*userdata*/) {
  return -1;
}

std::shared_ptr<EVP_PKEY> Share(EVP_PKEY* key) {
  EVP_PKEY_up_ref(key);
  return std::shared_ptr<EVP_PKEY>(key, OpenSslFree());
}

absl::StatusOr<std::shared_ptr<EVP_PKEY>> ReimportAsSm2(EVP_PKEY* key,
                                                        bool private_key) {
  const int selection = private_key ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
  OSSL_PARAM* params = nullptr;
  if (EVP_PKEY_todata(key, selection, &params) != 1) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        "cannot export the EC key on the SM2 curve");
  }
  OsslParamPtr owned_params(params);
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
  EVP_PKEY* sm2_key = nullptr;
  if (ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &sm2_key, selection, params) != 1) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        "cannot import the EC key on the SM2 curve as SM2");
  }
  return std::shared_ptr<EVP_PKEY>(sm2_key, OpenSslFree());
}

// Sets what the digest-sign/verify init leaves to defaults that differ
// between OpenSSL versions or are easy to get wrong.
absl::Status Configure(EVP_PKEY_CTX* pctx, SignatureAlgorithm algorithm) {
  switch (algorithm) {
    case SignatureAlgorithm::kRsaPkcs1Sha256:
      if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
        return OpenSslError(absl::StatusCode::kInternal,
                            "cannot select RSA PKCS#1 v1.5 padding");
      }
      return absl::OkStatus();
    case SignatureAlgorithm::kSm2Sm3:
      // Must come after init and before the first update: OpenSSL computes
      // the SM2 "Z" value from the id on the first update.
      if (EVP_PKEY_CTX_set1_id(pctx, kSm2UserId,
                               static_cast<int>(std::strlen(kSm2UserId))) !=
          1) {
        return OpenSslError(absl::StatusCode::kInternal,
                            "cannot set the SM2 user id");
      }
      return absl::OkStatus();
    case SignatureAlgorithm::kEcdsaSha256:
      return absl::OkStatus();
  }
  return absl::InternalError("unknown signature algorithm");
}

}  // namespace

absl::StatusOr<SignatureKey> PrepareSignatureKey(EVP_PKEY* key,
                                                 bool private_key) {
  if (EVP_PKEY_is_a(key, "SM2")) {
    return SignatureKey{Share(key), SignatureAlgorithm::kSm2Sm3};
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[80] = {};
    size_t group_length = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof(group), &group_length) !=
        1) {
      return OpenSslError(absl::StatusCode::kInvalidArgument,
                          "EC key without a named curve");
    }
    if (absl::string_view(group, group_length) == "SM2") {
      SX_ASSIGN_OR_RETURN(std::shared_ptr<EVP_PKEY> sm2_key,
                          ReimportAsSm2(key, private_key));
      return SignatureKey{std::move(sm2_key), SignatureAlgorithm::kSm2Sm3};
    }
    return SignatureKey{Share(key), SignatureAlgorithm::kEcdsaSha256};
  }
  if (EVP_PKEY_is_a(key, "RSA")) {
    return SignatureKey{Share(key), SignatureAlgorithm::kRsaPkcs1Sha256};
  }
  const char* type = EVP_PKEY_get0_type_name(key);
  return absl::InvalidArgumentError(
      absl::StrCat("unsupported key type ", type == nullptr ? "?" : type,
                   " for signatures (use EC, RSA or SM2)"));
}

absl::StatusOr<SignatureKey> PrivateKeyFromPem(absl::string_view pem) {
  openssl::BioPtr bio = openssl::MemoryBio(pem);
  if (bio == nullptr) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        "cannot read the signing key PEM");
  }
  openssl::EvpPkeyPtr key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (key == nullptr) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        "no unencrypted PEM private key in the signing key");
  }
  return PrepareSignatureKey(key.get(), /*private_key=*/true);
}

absl::StatusOr<openssl::X509Ptr> CertificateFromPem(absl::string_view pem,
                                                    absl::string_view what) {
  openssl::BioPtr bio = openssl::MemoryBio(pem);
  if (bio == nullptr) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        absl::StrCat("cannot read ", what, " PEM"));
  }
  openssl::X509Ptr certificate(
      PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr));
  if (certificate == nullptr) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        absl::StrCat("no PEM certificate in ", what));
  }
  return certificate;
}

absl::StatusOr<std::string> ReadPemFile(const std::string& path,
                                        absl::string_view what) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(
        absl::StrCat("cannot open ", what, " file ", path));
  }
  std::string contents((std::istreambuf_iterator<char>(file)),
                       std::istreambuf_iterator<char>());
  if (file.bad()) {
    return absl::NotFoundError(
        absl::StrCat("cannot read ", what, " file ", path));
  }
  return contents;
}

absl::StatusOr<std::string> SignWithKey(const SignatureKey& key,
                                        absl::string_view data) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // Owned by ctx.
  if (ctx == nullptr ||
      EVP_DigestSignInit_ex(ctx.get(), &pctx, DigestName(key.algorithm),
                            nullptr, nullptr, key.key.get(), nullptr) != 1) {
    return OpenSslError(
        absl::StatusCode::kInternal,
        absl::StrCat("cannot start an ", SignatureAlgorithmName(key.algorithm),
                     " signature"));
  }
  SX_RETURN_IF_ERROR(Configure(pctx, key.algorithm));
  size_t length = 0;
  if (EVP_DigestSignUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestSignFinal(ctx.get(), nullptr, &length) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "signing failed");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSignFinal(ctx.get(),
                          reinterpret_cast<unsigned char*>(signature.data()),
                          &length) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "signing failed");
  }
  // ECDSA and SM2 DER signatures are often shorter than the maximum.
  signature.resize(length);
  return signature;
}

absl::Status VerifyWithKey(const SignatureKey& key, absl::string_view data,
                           absl::string_view signature) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // Owned by ctx.
  if (ctx == nullptr ||
      EVP_DigestVerifyInit_ex(ctx.get(), &pctx, DigestName(key.algorithm),
                              nullptr, nullptr, key.key.get(), nullptr) != 1) {
    return OpenSslError(
        absl::StatusCode::kInternal,
        absl::StrCat("cannot start verifying an ",
                     SignatureAlgorithmName(key.algorithm), " signature"));
  }
  SX_RETURN_IF_ERROR(Configure(pctx, key.algorithm));
  if (EVP_DigestVerifyUpdate(ctx.get(), data.data(), data.size()) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "verification failed");
  }
  // 0 is a wrong signature, a negative value a malformed one; both mean the
  // signed data cannot be trusted.
  if (EVP_DigestVerifyFinal(
          ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
          signature.size()) != 1) {
    ClearOpenSslErrors();
    return absl::DataLossError(absl::StrCat(
        "signature (", SignatureAlgorithmName(key.algorithm),
        ") does not verify: the signed data was altered, the signature was "
        "altered, or another key signed it"));
  }
  return absl::OkStatus();
}

}  // namespace sx::transparency::internal
