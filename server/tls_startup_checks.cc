#include "server/tls_startup_checks.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "server/certificate_revocations.h"
#include "sx/base/openssl_handles.h"

namespace sx::server {
namespace {

namespace v1 = ::supervision::v1;
using openssl::BioPtr;
using openssl::ClearOpenSslErrors;
using openssl::EvpPkeyPtr;
using openssl::MemoryBio;
using openssl::X509Ptr;

// Owners for the verification objects that sx/base/openssl_handles.h does not
// cover. The stack does not own its certificates.
struct VerifyFree {
  void operator()(X509_STORE* store) const { X509_STORE_free(store); }
  void operator()(X509_STORE_CTX* ctx) const { X509_STORE_CTX_free(ctx); }
  void operator()(STACK_OF(X509) * stack) const { sk_X509_free(stack); }
};
using StorePtr = std::unique_ptr<X509_STORE, VerifyFree>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, VerifyFree>;
using CertStackPtr = std::unique_ptr<STACK_OF(X509), VerifyFree>;

// Refuses every passphrase request: the hub cannot ask for one either.
int NoPassphrase(char* /*buffer*/, int /*size*/, int /*rwflag*/,
                 void* /*userdata*/) {
  return -1;
}

// Every certificate in `pem`, in order; fails if a certificate block does
// not parse.
absl::StatusOr<std::vector<X509Ptr>> ParseCertificates(absl::string_view pem) {
  std::vector<X509Ptr> certificates;
  BioPtr bio = MemoryBio(pem);
  if (bio == nullptr) return absl::InvalidArgumentError("is too large");
  ClearOpenSslErrors();
  while (X509* cert =
             PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr)) {
    certificates.emplace_back(cert);
  }
  // The end of the input reads as "no start line"; anything else is a block
  // that does not parse.
  const unsigned long last = ERR_peek_last_error();
  if (last != 0 && !(ERR_GET_LIB(last) == ERR_LIB_PEM &&
                     ERR_GET_REASON(last) == PEM_R_NO_START_LINE)) {
    return openssl::OpenSslError(absl::StatusCode::kInvalidArgument,
                                 "holds a PEM certificate that does not parse");
  }
  ClearOpenSslErrors();
  return certificates;
}

// RFC 2253 form, e.g. "CN=SX Dev Root CA", keeping UTF-8 as it is.
std::string NameText(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      X509_NAME_print_ex(bio.get(), name, 0,
                         XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
    ClearOpenSslErrors();
    return "(unprintable name)";
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : "";
}

std::string TimeText(const ASN1_TIME* time) {
  std::tm parts{};
  char text[32];
  if (ASN1_TIME_to_tm(time, &parts) != 1 ||
      std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S UTC", &parts) == 0) {
    ClearOpenSslErrors();
    return "(unreadable time)";
  }
  return text;
}

// "" while `cert` is valid, else since or until when it is not.
std::string ValidityProblem(const X509* cert) {
  const ASN1_TIME* not_before = X509_get0_notBefore(cert);
  const ASN1_TIME* not_after = X509_get0_notAfter(cert);
  if (X509_cmp_current_time(not_before) > 0) {
    return absl::StrCat("not valid before ", TimeText(not_before));
  }
  if (X509_cmp_current_time(not_after) < 0) {
    return absl::StrCat("expired on ", TimeText(not_after));
  }
  return "";
}

// What the chain verification below does not hold against a chain. Validity
// periods: checked apart, naming the file that holds the certificate. A CA
// without a CRL: gRPC's handshake lets that pass too.
int Tolerate(int ok, X509_STORE_CTX* ctx) {
  if (ok == 1) return 1;
  switch (X509_STORE_CTX_get_error(ctx)) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_UNABLE_TO_GET_CRL:
      return 1;
    default:
      return 0;
  }
}

struct Verification {
  // Leaf first, up to the CA of tls.ca_file; empty if it did not verify.
  std::vector<X509Ptr> chain;
  // If it did not: OpenSSL's reason, and the certificate it concerns.
  int error = X509_V_OK;
  int depth = 0;
  std::string reason;
};

// Verifies the served chain (leaf first) against `authorities` as gRPC
// verifies a client's chain against tls.ca_file: the same X509_STORE set-up,
// no partial chains, and with a CRL directory the same hashed-directory
// lookup and CRL_CHECK_ALL.
Verification VerifyChain(const std::vector<X509Ptr>& authorities,
                         const std::vector<X509Ptr>& served,
                         const std::string& crl_directory) {
  Verification result;
  StorePtr store(X509_STORE_new());
  CertStackPtr untrusted(sk_X509_new_null());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  bool ready = store != nullptr && untrusted != nullptr && ctx != nullptr;
  for (const X509Ptr& ca : authorities) {
    ready = ready && X509_STORE_add_cert(store.get(), ca.get()) == 1;
  }
  if (ready && !crl_directory.empty()) {
    ready = X509_STORE_load_locations(store.get(), nullptr,
                                      crl_directory.c_str()) == 1;
  }
  for (size_t i = 1; ready && i < served.size(); ++i) {
    ready = sk_X509_push(untrusted.get(), served[i].get()) > 0;
  }
  ready = ready && X509_STORE_CTX_init(ctx.get(), store.get(), served[0].get(),
                                       untrusted.get()) == 1;
  if (!ready) {
    result.error = X509_V_ERR_UNSPECIFIED;
    result.reason =
        std::string(openssl::OpenSslError(absl::StatusCode::kInternal,
                                          "OpenSSL could not set up the check")
                        .message());
    return result;
  }
  X509_STORE_CTX_set_verify_cb(ctx.get(), Tolerate);
  if (!crl_directory.empty()) {
    X509_VERIFY_PARAM_set_flags(
        X509_STORE_CTX_get0_param(ctx.get()),
        X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  }
  if (X509_verify_cert(ctx.get()) == 1) {
    STACK_OF(X509)* chain = X509_STORE_CTX_get1_chain(ctx.get());
    while (chain != nullptr && sk_X509_num(chain) > 0) {
      result.chain.emplace_back(sk_X509_shift(chain));
    }
    sk_X509_free(chain);
  } else {
    result.error = X509_STORE_CTX_get_error(ctx.get());
    result.depth = X509_STORE_CTX_get_error_depth(ctx.get());
    result.reason = X509_verify_cert_error_string(result.error);
    if (const X509* cert = X509_STORE_CTX_get_current_cert(ctx.get())) {
      absl::StrAppend(&result.reason, " (certificate \"",
                      NameText(X509_get_subject_name(cert)), "\", issued by \"",
                      NameText(X509_get_issuer_name(cert)), "\")");
    }
  }
  ClearOpenSslErrors();
  return result;
}

// What makes a certificate unfit to serve TLS with, as clients see it.
void CheckServingCertificate(const std::string& path, X509* cert,
                             StartupProblems& problems) {
  const uint32_t flags = X509_get_extension_flags(cert);
  if ((flags & EXFLAG_CA) != 0) {
    problems.Add("tls.cert_file", path,
                 "is a CA certificate (basicConstraints CA:TRUE), not one to "
                 "serve with: point tls.cert_file at the hub's own "
                 "certificate and tls.ca_file at the CA");
  } else {
    if ((flags & EXFLAG_XKUSAGE) != 0 && (X509_get_extended_key_usage(cert) &
                                          (XKU_SSL_SERVER | XKU_ANYEKU)) == 0) {
      problems.Add("tls.cert_file", path,
                   "its extendedKeyUsage lacks serverAuth (a client "
                   "certificate?), so clients refuse it as a server's");
    }
    if ((flags & EXFLAG_KUSAGE) != 0 &&
        (X509_get_key_usage(cert) & KU_DIGITAL_SIGNATURE) == 0) {
      // gRPC offers only ECDHE cipher suites and TLS 1.3, which sign the
      // handshake with this key.
      problems.Add("tls.cert_file", path,
                   "its keyUsage lacks digitalSignature, which TLS "
                   "handshakes with ECDHE and TLS 1.3 need");
    }
  }
  const std::string validity = ValidityProblem(cert);
  if (!validity.empty()) problems.Add("tls.cert_file", path, validity);
}

// The CA certificates of tls.ca_file; empty (and a problem added) if there
// are none to verify with.
std::vector<X509Ptr> LoadAuthorities(const std::string& path,
                                     StartupProblems& problems) {
  const absl::StatusOr<std::string> pem = ReadRegularFile(path);
  if (!pem.ok()) {
    problems.Add("tls.ca_file", path, pem.status().message());
    return {};
  }
  absl::StatusOr<std::vector<X509Ptr>> certificates = ParseCertificates(*pem);
  if (!certificates.ok()) {
    problems.Add("tls.ca_file", path, certificates.status().message());
    return {};
  }
  if (certificates->empty()) {
    problems.Add("tls.ca_file", path, "holds no PEM certificate");
    return {};
  }
  for (const X509Ptr& cert : *certificates) {
    if (X509_check_ca(cert.get()) != 0) return *std::move(certificates);
  }
  problems.Add("tls.ca_file", path,
               "holds no CA certificate (none in it has basicConstraints "
               "CA:TRUE): it must hold the CA that issues the hub's and the "
               "agencies' certificates");
  return {};
}

// tls.cert_file: the hub's certificate, then any intermediates; empty (and a
// problem added) if it holds none.
std::vector<X509Ptr> LoadServedChain(const std::string& path,
                                     StartupProblems& problems) {
  const absl::StatusOr<std::string> pem = ReadRegularFile(path);
  if (!pem.ok()) {
    problems.Add("tls.cert_file", path, pem.status().message());
    return {};
  }
  absl::StatusOr<std::vector<X509Ptr>> certificates = ParseCertificates(*pem);
  if (!certificates.ok()) {
    problems.Add("tls.cert_file", path, certificates.status().message());
    return {};
  }
  if (certificates->empty()) {
    problems.Add("tls.cert_file", path,
                 absl::StrContains(*pem, "PRIVATE KEY-----")
                     ? "holds a private key, not a certificate (tls.cert_file "
                       "and tls.key_file swapped?)"
                     : "holds no PEM certificate");
  }
  return *std::move(certificates);
}

// tls.key_file as a key, and its PEM text (for the checkpoint signer); null
// (and a problem added) if it does not load.
EvpPkeyPtr LoadKey(const std::string& path, std::string& pem_out,
                   StartupProblems& problems) {
  absl::StatusOr<std::string> pem = ReadRegularFile(path);
  if (!pem.ok()) {
    problems.Add("tls.key_file", path, pem.status().message());
    return nullptr;
  }
  BioPtr bio = MemoryBio(*pem);
  EvpPkeyPtr key(
      bio == nullptr
          ? nullptr
          : PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  ClearOpenSslErrors();
  if (key == nullptr) {
    problems.Add(
        "tls.key_file", path,
        absl::StrContains(*pem, "ENCRYPTED")
            ? "holds an encrypted private key: the hub needs it unencrypted "
              "(it cannot ask for a passphrase)"
        : absl::StrContains(*pem, "-----BEGIN CERTIFICATE-----")
            ? "holds a certificate, not a private key (tls.cert_file and "
              "tls.key_file swapped?)"
            : "holds no PEM private key");
    return nullptr;
  }
  pem_out = *std::move(pem);
  return key;
}

// The CRLs as the hub loads them at start, and as the handshake applies them.
void CheckCrlDirectory(const v1::TlsConfig& tls,
                       const std::vector<X509Ptr>& authorities,
                       const std::vector<X509Ptr>& served, bool chain_verified,
                       StartupProblems& problems) {
  const std::string& directory = tls.crl_directory();
  DIR* listing = opendir(directory.c_str());
  if (listing == nullptr) {
    problems.Add("tls.crl_directory", directory,
                 absl::StrCat("cannot be read: ", Because(errno)));
    return;
  }
  closedir(listing);
  // Without a CA the hub cannot load CRLs either; tls.ca_file's problem says
  // so already.
  if (authorities.empty()) return;
  // Hub::Start's own loading, so that what fails there fails here.
  absl::StatusOr<std::unique_ptr<CertificateRevocations>> loaded =
      CertificateRevocations::Load(directory, tls.ca_file());
  if (!loaded.ok()) {
    problems.AddLine(loaded.status().message());
    return;
  }
  if (!chain_verified) return;
  // The handshake checks every client's chain against these CRLs. The hub's
  // own certificate comes from the same CA, so a stale CRL that would refuse
  // every client refuses it too.
  const Verification checked = VerifyChain(authorities, served, directory);
  if (checked.error == X509_V_OK) return;
  if (checked.error == X509_V_ERR_CERT_REVOKED && checked.depth == 0) {
    problems.Add("tls.cert_file", tls.cert_file(),
                 absl::StrCat("is revoked by a CRL in tls.crl_directory \"",
                              directory, "\""));
    return;
  }
  problems.Add("tls.crl_directory", directory,
               absl::StrCat("the TLS handshake's CRL check fails for the "
                            "hub's own certificate, and would for every "
                            "client certificate of the same CA: ",
                            checked.reason));
}

// Whether `cert` is one of `certificates` (the same certificate, not a copy
// of its name).
bool Contains(const std::vector<X509Ptr>& certificates, const X509* cert) {
  for (const X509Ptr& candidate : certificates) {
    if (X509_cmp(candidate.get(), cert) == 0) return true;
  }
  return false;
}

}  // namespace

// The TLS files. Returns the key's PEM text if tls.key_file loaded ("" if
// not), for the checkpoint signing key check.
std::string CheckTlsFiles(const v1::TlsConfig& tls, StartupProblems& problems) {
  const std::vector<X509Ptr> authorities =
      LoadAuthorities(tls.ca_file(), problems);
  const std::vector<X509Ptr> served =
      LoadServedChain(tls.cert_file(), problems);
  std::string key_pem;
  const EvpPkeyPtr key = LoadKey(tls.key_file(), key_pem, problems);

  if (!served.empty()) {
    CheckServingCertificate(tls.cert_file(), served[0].get(), problems);
  }
  if (!served.empty() && key != nullptr) {
    // gRPC's file watcher refuses a pair that does not match, and then
    // every handshake fails.
    if (X509_check_private_key(served[0].get(), key.get()) != 1) {
      problems.Add(
          "tls.key_file", tls.key_file(),
          absl::StrCat("is not the key of tls.cert_file \"", tls.cert_file(),
                       "\": their public keys differ"));
    }
    ClearOpenSslErrors();
  }

  bool chain_verified = false;
  if (!served.empty() && !authorities.empty()) {
    const Verification verified = VerifyChain(authorities, served, "");
    chain_verified = verified.error == X509_V_OK;
    if (!chain_verified) {
      problems.Add("tls.cert_file", tls.cert_file(),
                   absl::StrCat("does not verify against tls.ca_file \"",
                                tls.ca_file(), "\": ", verified.reason));
    }
    // The leaf's own validity is checked above; a CA that expired refuses
    // every client it issued as well.
    for (size_t i = 1; i < verified.chain.size(); ++i) {
      const X509* ca = verified.chain[i].get();
      const std::string validity = ValidityProblem(ca);
      if (validity.empty()) continue;
      const bool bundled = Contains(served, ca) && !Contains(authorities, ca);
      problems.Add(bundled ? "tls.cert_file" : "tls.ca_file",
                   bundled ? tls.cert_file() : tls.ca_file(),
                   absl::StrCat("its CA certificate \"",
                                NameText(X509_get_subject_name(ca)), "\" is ",
                                validity));
    }
  }
  if (!tls.crl_directory().empty()) {
    CheckCrlDirectory(tls, authorities, served, chain_verified, problems);
  }
  return key != nullptr ? key_pem : "";
}

}  // namespace sx::server
