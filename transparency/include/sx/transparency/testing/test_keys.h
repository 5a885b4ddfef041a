// Test-only: fresh keys of each supported type with a self-signed
// certificate, and certificates issued by test CAs, made with OpenSSL's APIs
// (no files, no openssl binary).
#pragma once

#include <openssl/evp.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
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

// What IssueTestCertificate writes into a certificate.
struct TestCertificateSpec {
  std::string common_name = "sxhub-test";
  std::vector<std::string> uri_sans;  // Written as they are, NULs included.
  std::vector<std::string> dns_sans;
  // An X509v3 configuration value, e.g.
  // "critical,digitalSignature,nonRepudiation"; empty: no keyUsage at all.
  std::string key_usage;
  // E.g. "clientAuth"; empty: no extendedKeyUsage.
  std::string extended_key_usage;
  // basicConstraints CA:TRUE rather than CA:FALSE.
  bool certificate_authority = false;
  // Fixed dates, so that tests do not depend on when they run.
  absl::Time not_before =
      absl::FromCivil(absl::CivilDay(2000, 1, 1), absl::UTCTimeZone());
  absl::Time not_after =
      absl::FromCivil(absl::CivilDay(2099, 12, 31), absl::UTCTimeZone());
};

struct TestCertificate {
  openssl::X509Ptr certificate;
  std::string pem;
  std::string der;
};

// A certificate for `subject_key` signed by `issuer_key` (EC or RSA, with
// SHA-256) on behalf of `issuer`; a self-signed one if `issuer` is null, in
// which case `issuer_key` must be `subject_key`. SM2 issuers are refused
// (INVALID_ARGUMENT): OpenSSL 3.0 checks SM2-signed certificates only with
// the distinguishing id set on each, which these tests do not need.
absl::StatusOr<TestCertificate> IssueTestCertificate(
    const TestCertificateSpec& spec, EVP_PKEY* subject_key,
    EVP_PKEY* issuer_key, const X509* issuer);

// For test set-up, where a failure leaves nothing to test: these abort,
// saying why, instead of returning an error.
//
// The same key for the same (type, copy) for the whole test binary: keys are
// slow to make (RSA especially). Not thread-safe.
const TestKey& SharedTestKey(TestKeyType type, int copy = 0);
TestCertificate IssueTestCertificateOrDie(const TestCertificateSpec& spec,
                                          EVP_PKEY* subject_key,
                                          EVP_PKEY* issuer_key,
                                          const X509* issuer);

}  // namespace sx::transparency::testing
