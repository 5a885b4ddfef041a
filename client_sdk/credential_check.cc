#include "client_sdk/credential_check.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "sx/base/openssl_handles.h"

namespace sx::client::internal {
namespace {

using openssl::BioPtr;
using openssl::ClearOpenSslErrors;
using openssl::EvpPkeyPtr;
using openssl::MemoryBio;
using openssl::X509Ptr;

X509Ptr ParseCertificate(const std::string& pem) {
  BioPtr bio = MemoryBio(pem);
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

std::string FormatAsn1Time(const ASN1_TIME* time) {
  std::tm parts = {};
  if (ASN1_TIME_to_tm(time, &parts) != 1) return "an unreadable date";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC",
                          absl::FromTimeT(timegm(&parts)), absl::UTCTimeZone());
}

int CountUriNames(X509* certificate) {
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return 0;
  int uris = 0;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    if (sk_GENERAL_NAME_value(names, i)->type == GEN_URI) ++uris;
  }
  GENERAL_NAMES_free(names);
  return uris;
}

absl::Status CheckValidity(X509* certificate, const std::string& origin,
                           absl::Time now) {
  time_t now_seconds = absl::ToTimeT(now);
  if (X509_cmp_time(X509_get0_notAfter(certificate), &now_seconds) < 0) {
    return absl::UnauthenticatedError(
        absl::StrCat("the client certificate ", origin, " expired on ",
                     FormatAsn1Time(X509_get0_notAfter(certificate)),
                     ": the hub refuses it; ask your CA for a new one"));
  }
  if (X509_cmp_time(X509_get0_notBefore(certificate), &now_seconds) > 0) {
    return absl::UnauthenticatedError(absl::StrCat(
        "the client certificate ", origin, " is not valid before ",
        FormatAsn1Time(X509_get0_notBefore(certificate)),
        ": the hub refuses it until then (or this machine's clock is "
        "wrong)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckClientCredentials(const PemInput& ca,
                                    const PemInput& certificate,
                                    const PemInput& private_key,
                                    absl::Time now) {
  if (ParseCertificate(ca.pem) == nullptr) {
    ClearOpenSslErrors();
    return absl::InvalidArgumentError(absl::StrCat(
        "the CA certificate ", ca.origin, " is not a PEM certificate"));
  }
  X509Ptr cert = ParseCertificate(certificate.pem);
  if (cert == nullptr) {
    ClearOpenSslErrors();
    return absl::InvalidArgumentError(
        absl::StrCat("the client certificate ", certificate.origin,
                     " is not a PEM certificate (are certificate and key "
                     "swapped?)"));
  }
  BioPtr key_bio = MemoryBio(private_key.pem);
  EvpPkeyPtr key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    ClearOpenSslErrors();
    return absl::InvalidArgumentError(
        absl::StrCat("the private key ", private_key.origin,
                     " is not an unencrypted PEM private key (are "
                     "certificate and key swapped?)"));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ClearOpenSslErrors();
    return absl::InvalidArgumentError(
        absl::StrCat("the private key ", private_key.origin,
                     " does not belong to the certificate ", certificate.origin,
                     " (another agency's or an older key?)"));
  }
  absl::Status valid = CheckValidity(cert.get(), certificate.origin, now);
  if (!valid.ok()) return valid;
  const int uris = CountUriNames(cert.get());
  if (uris != 1) {
    return absl::UnauthenticatedError(absl::StrCat(
        "the client certificate ", certificate.origin, " carries ", uris,
        " URI SANs: the hub admits only a certificate with exactly one, "
        "naming the agency or operator (e.g. "
        "spiffe://<trust-domain>/agency/<agency-id>)"));
  }
  return absl::OkStatus();
}

absl::Status CheckHubAddress(const std::string& address) {
  if (absl::StrContains(address, ":/")) return absl::OkStatus();  // a scheme
  const size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || colon == 0 ||
      address[colon - 1] == ':' ||  // a bare IPv6 address
      !absl::SimpleAtoi(absl::string_view(address).substr(colon + 1), &port) ||
      port <= 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("the hub address '", address,
                     "' is not host:port (e.g. hub.example.gov.cn:7443 or "
                     "[::1]:7443)"));
  }
  return absl::OkStatus();
}

}  // namespace sx::client::internal
