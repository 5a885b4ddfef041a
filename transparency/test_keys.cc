#include "sx/transparency/testing/test_keys.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <utility>

#include "absl/status/status.h"
#include "sx/base/status_macros.h"

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

absl::Status AddGeneralNames(X509* cert, const TestCertificateSpec& spec) {
  if (spec.uri_sans.empty() && spec.dns_sans.empty()) return absl::OkStatus();
  GENERAL_NAMES* names = GENERAL_NAMES_new();
  bool built = names != nullptr;
  auto add = [&](int type, const std::string& value) {
    GENERAL_NAME* name = GENERAL_NAME_new();
    ASN1_IA5STRING* text = ASN1_IA5STRING_new();
    if (name == nullptr || text == nullptr ||
        ASN1_STRING_set(text, value.data(), static_cast<int>(value.size())) !=
            1) {
      GENERAL_NAME_free(name);
      ASN1_IA5STRING_free(text);
      built = false;
      return;
    }
    GENERAL_NAME_set0_value(name, type, text);
    if (sk_GENERAL_NAME_push(names, name) <= 0) {
      GENERAL_NAME_free(name);
      built = false;
    }
  };
  for (const std::string& uri : spec.uri_sans) {
    if (built) add(GEN_URI, uri);
  }
  for (const std::string& dns : spec.dns_sans) {
    if (built) add(GEN_DNS, dns);
  }
  built = built && X509_add1_ext_i2d(cert, NID_subject_alt_name, names, 0,
                                     X509V3_ADD_DEFAULT) == 1;
  GENERAL_NAMES_free(names);
  if (!built) return OpenSslError(absl::StatusCode::kInternal, "build SAN");
  return absl::OkStatus();
}

absl::Status AddConfiguredExtension(X509* cert, X509V3_CTX* ctx, int nid,
                                    const std::string& value) {
  if (value.empty()) return absl::OkStatus();
  X509_EXTENSION* extension =
      X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str());
  const bool added =
      extension != nullptr && X509_add_ext(cert, extension, -1) == 1;
  X509_EXTENSION_free(extension);
  if (!added) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        "extension value " + value);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> DerOf(X509* cert) {
  unsigned char* der = nullptr;
  const int length = i2d_X509(cert, &der);
  if (length <= 0) return OpenSslError(absl::StatusCode::kInternal, "i2d");
  std::string result(reinterpret_cast<const char*>(der),
                     static_cast<size_t>(length));
  OPENSSL_free(der);
  return result;
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

absl::StatusOr<TestCertificate> IssueTestCertificate(
    const TestCertificateSpec& spec, EVP_PKEY* subject_key,
    EVP_PKEY* issuer_key, const X509* issuer) {
  if (EVP_PKEY_is_a(issuer_key, "SM2")) {
    return absl::InvalidArgumentError("SM2 issuers are not supported");
  }
  // Unique within the process, which is all a test store needs.
  static std::atomic<long> next_serial{1000};
  TestCertificate result;
  result.certificate.reset(X509_new());
  X509* cert = result.certificate.get();
  X509_NAME* subject = X509_get_subject_name(cert);
  if (cert == nullptr || X509_set_version(cert, 2) != 1 ||
      ASN1_INTEGER_set(X509_get_serialNumber(cert), next_serial++) != 1 ||
      ASN1_TIME_set(X509_getm_notBefore(cert),
                    absl::ToTimeT(spec.not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert), absl::ToTimeT(spec.not_after)) ==
          nullptr ||
      X509_NAME_add_entry_by_txt(
          subject, "CN", MBSTRING_UTF8,
          reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1,
          -1, 0) != 1 ||
      X509_set_issuer_name(
          cert, issuer != nullptr ? X509_get_subject_name(issuer) : subject) !=
          1 ||
      X509_set_pubkey(cert, subject_key) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "build certificate");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  // X509V3_set_ctx takes a non-const issuer but only reads it.
  X509V3_set_ctx(&ctx, issuer != nullptr ? const_cast<X509*>(issuer) : cert,
                 cert, nullptr, nullptr, 0);
  SX_RETURN_IF_ERROR(AddConfiguredExtension(
      cert, &ctx, NID_basic_constraints,
      spec.certificate_authority ? "critical,CA:TRUE" : "critical,CA:FALSE"));
  SX_RETURN_IF_ERROR(
      AddConfiguredExtension(cert, &ctx, NID_key_usage, spec.key_usage));
  SX_RETURN_IF_ERROR(AddConfiguredExtension(cert, &ctx, NID_ext_key_usage,
                                            spec.extended_key_usage));
  SX_RETURN_IF_ERROR(AddGeneralNames(cert, spec));
  const EVP_MD* digest =
      EVP_PKEY_is_a(issuer_key, "ED25519") ? nullptr : EVP_sha256();
  if (X509_sign(cert, issuer_key, digest) <= 0) {
    return OpenSslError(absl::StatusCode::kInternal, "X509_sign");
  }
  absl::StatusOr<std::string> der = DerOf(cert);
  if (!der.ok()) return der.status();
  result.der = *std::move(der);
  openssl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(bio.get(), cert) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "write certificate PEM");
  }
  absl::StatusOr<std::string> pem = BioContents(bio.get());
  if (!pem.ok()) return pem.status();
  result.pem = *std::move(pem);
  return result;
}

const TestKey& SharedTestKey(TestKeyType type, int copy) {
  static auto* keys = new std::map<std::pair<TestKeyType, int>, TestKey>();
  auto it = keys->find({type, copy});
  if (it == keys->end()) {
    absl::StatusOr<TestKey> key = GenerateTestKey(type);
    if (!key.ok()) {
      std::fprintf(stderr, "cannot make a test key: %s\n",
                   key.status().ToString().c_str());
      std::abort();
    }
    it = keys->emplace(std::make_pair(type, copy), *std::move(key)).first;
  }
  return it->second;
}

TestCertificate IssueTestCertificateOrDie(const TestCertificateSpec& spec,
                                          EVP_PKEY* subject_key,
                                          EVP_PKEY* issuer_key,
                                          const X509* issuer) {
  absl::StatusOr<TestCertificate> issued =
      IssueTestCertificate(spec, subject_key, issuer_key, issuer);
  if (!issued.ok()) {
    std::fprintf(stderr, "cannot issue a test certificate: %s\n",
                 issued.status().ToString().c_str());
    std::abort();
  }
  return *std::move(issued);
}

}  // namespace sx::transparency::testing
