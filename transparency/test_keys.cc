#include "sx/transparency/testing/test_keys.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>

#include "absl/status/status.h"

namespace sx::transparency::testing {
namespace {

using openssl::OpenSslError;

absl::StatusOr<std::string> BioContents(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  if (length <= 0) return absl::InternalError("empty PEM output");
  return std::string(data, static_cast<size_t>(length));
}

EVP_PKEY* Generate(TestKeyType type) {
  switch (type) {
    case TestKeyType::kEcP256:
      return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    case TestKeyType::kRsa2048:
      return EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
    case TestKeyType::kSm2:
      return EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2");
    case TestKeyType::kEcOnSm2Curve:
      return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "SM2");
    case TestKeyType::kEd25519:
      return EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  }
  return nullptr;
}

absl::Status SignCertificate(X509* cert, EVP_PKEY* key, TestKeyType type) {
  openssl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  const bool sm2 = type == TestKeyType::kSm2;
  const char* digest = sm2                             ? "SM3"
                       : type == TestKeyType::kEd25519 ? nullptr
                                                       : "SHA256";
  if (EVP_DigestSignInit_ex(ctx.get(), &pctx, digest, nullptr, nullptr, key,
                            nullptr) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "cert sign init");
  }
  if (sm2 && EVP_PKEY_CTX_set1_id(pctx, "1234567812345678", 16) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "cert sm2 id");
  }
  if (X509_sign_ctx(cert, ctx.get()) <= 0) {
    return OpenSslError(absl::StatusCode::kInternal, "X509_sign_ctx");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TestKey> GenerateTestKey(TestKeyType type) {
  TestKey result;
  result.key.reset(Generate(type));
  if (result.key == nullptr) {
    return OpenSslError(absl::StatusCode::kInternal, "keygen");
  }
  EVP_PKEY* key = result.key.get();

  openssl::BioPtr key_bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr,
                               nullptr) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "write key PEM");
  }
  absl::StatusOr<std::string> key_pem = BioContents(key_bio.get());
  if (!key_pem.ok()) return key_pem.status();
  result.private_key_pem = *std::move(key_pem);

  openssl::X509Ptr cert(X509_new());
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_set_version(cert.get(), 2) != 1 ||
      ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) != 1 ||
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600) == nullptr ||
      X509_NAME_add_entry_by_txt(
          name, "CN", MBSTRING_ASC,
          reinterpret_cast<const unsigned char*>("sxhub-test"), -1, -1,
          0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1 ||
      X509_set_pubkey(cert.get(), key) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "build certificate");
  }
  // An "EC" key on the SM2 curve signs its certificate with plain ECDSA;
  // only the certified public key matters to these tests.
  absl::Status signed_status = SignCertificate(cert.get(), key, type);
  if (!signed_status.ok()) return signed_status;
  openssl::BioPtr cert_bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "write certificate PEM");
  }
  absl::StatusOr<std::string> cert_pem = BioContents(cert_bio.get());
  if (!cert_pem.ok()) return cert_pem.status();
  result.certificate_pem = *std::move(cert_pem);
  return result;
}

absl::StatusOr<std::string> EncryptedPem(EVP_PKEY* key,
                                         const std::string& passphrase) {
  openssl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PKCS8PrivateKey(
          bio.get(), key, EVP_aes_256_cbc(), passphrase.data(),
          static_cast<int>(passphrase.size()), nullptr, nullptr) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "write encrypted PEM");
  }
  return BioContents(bio.get());
}

}  // namespace sx::transparency::testing
