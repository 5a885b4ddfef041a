#include "certificate_revocations.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace sx::server {
namespace {

struct OpenSslFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
  void operator()(X509* cert) const { X509_free(cert); }
  void operator()(X509_CRL* crl) const { X509_CRL_free(crl); }
  void operator()(BIGNUM* number) const { BN_free(number); }
};
using BioPtr = std::unique_ptr<BIO, OpenSslFree>;
using X509Ptr = std::unique_ptr<X509, OpenSslFree>;
using CrlPtr = std::unique_ptr<X509_CRL, OpenSslFree>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslFree>;

BioPtr MemoryBio(absl::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::optional<std::string> ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(file), {});
}

std::vector<X509Ptr> ReadCertificates(absl::string_view pem) {
  std::vector<X509Ptr> certificates;
  BioPtr bio = MemoryBio(pem);
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certificates.emplace_back(cert);
  }
  ERR_clear_error();  // the end of the file reads as an error
  return certificates;
}

// PEM or DER; null if `bytes` is neither.
CrlPtr ParseCrl(absl::string_view bytes) {
  BioPtr bio = MemoryBio(bytes);
  CrlPtr crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  if (crl == nullptr) {
    const auto* der = reinterpret_cast<const unsigned char*>(bytes.data());
    crl.reset(d2i_X509_CRL(nullptr, &der, static_cast<long>(bytes.size())));
  }
  ERR_clear_error();
  return crl;
}

std::string NameDer(const X509_NAME* name) {
  unsigned char* der = nullptr;
  const int length = i2d_X509_NAME(name, &der);
  if (length <= 0) return "";
  std::string bytes(reinterpret_cast<char*>(der), length);
  OPENSSL_free(der);
  return bytes;
}

std::string SerialHex(const ASN1_INTEGER* serial) {
  BignumPtr number(ASN1_INTEGER_to_BN(serial, nullptr));
  if (number == nullptr) return "";
  char* hex = BN_bn2hex(number.get());
  std::string text = hex == nullptr ? "" : hex;
  OPENSSL_free(hex);
  return text;
}

std::string RevocationKey(const X509_NAME* issuer, const ASN1_INTEGER* serial) {
  return absl::StrCat(NameDer(issuer), "/", SerialHex(serial));
}

}  // namespace

absl::StatusOr<std::unique_ptr<CertificateRevocations>>
CertificateRevocations::Load(std::string crl_directory, std::string ca_file) {
  std::unique_ptr<CertificateRevocations> revocations(
      new CertificateRevocations(std::move(crl_directory), std::move(ca_file)));
  absl::StatusOr<bool> read = revocations->Refresh();
  if (!read.ok()) return read.status();
  return revocations;
}

absl::StatusOr<std::string> CertificateRevocations::DirectoryFingerprint()
    const {
  std::vector<std::string> entries;
  std::error_code error;
  for (std::filesystem::directory_iterator it(crl_directory_, error), end;
       !error && it != end; it.increment(error)) {
    std::error_code stat_error;
    if (!it->is_regular_file(stat_error)) continue;
    const auto size = it->file_size(stat_error);
    const auto time = it->last_write_time(stat_error);
    if (stat_error) continue;  // gone since listed: the next refresh sees it
    entries.push_back(absl::StrCat(it->path().filename().string(), " ", size,
                                   " ", time.time_since_epoch().count()));
  }
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("tls.crl_directory: cannot list ", crl_directory_, ": ",
                     error.message()));
  }
  // The CA file too: a new CA certificate changes which CRLs count.
  std::error_code ca_error;
  const auto ca_time = std::filesystem::last_write_time(ca_file_, ca_error);
  entries.push_back(absl::StrCat("ca ", ca_time.time_since_epoch().count()));
  std::sort(entries.begin(), entries.end());
  std::string fingerprint;
  for (const std::string& entry : entries) {
    absl::StrAppend(&fingerprint, entry, "\n");
  }
  return fingerprint;
}

absl::StatusOr<std::pair<CertificateRevocations::RevokedSet,
                         std::vector<std::string>>>
CertificateRevocations::ReadAll() const {
  const std::optional<std::string> ca_pem = ReadWholeFile(ca_file_);
  const std::vector<X509Ptr> authorities =
      ReadCertificates(ca_pem.value_or(""));
  if (authorities.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "tls.ca_file: no CA certificate in ", ca_file_,
        " to check the CRLs' signatures with"));
  }

  // Per issuing CA (subject name, DER): its CRL with the latest lastUpdate.
  absl::flat_hash_map<std::string, CrlPtr> latest;
  std::vector<std::string> skipped;
  std::vector<std::filesystem::path> paths;
  std::error_code error;
  for (std::filesystem::directory_iterator it(crl_directory_, error), end;
       !error && it != end; it.increment(error)) {
    std::error_code stat_error;
    if (it->is_regular_file(stat_error)) paths.push_back(it->path());
  }
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("tls.crl_directory: cannot list ", crl_directory_, ": ",
                     error.message()));
  }
  std::sort(paths.begin(), paths.end());
  for (const std::filesystem::path& path : paths) {
    const std::string name = path.filename().string();
    const std::optional<std::string> bytes = ReadWholeFile(path);
    if (!bytes.has_value()) {
      skipped.push_back(absl::StrCat(name, ": cannot be read"));
      continue;
    }
    CrlPtr crl = ParseCrl(*bytes);
    if (crl == nullptr) {
      skipped.push_back(absl::StrCat(name, ": not a CRL"));
      continue;
    }
    const X509_NAME* issuer = X509_CRL_get_issuer(crl.get());
    const auto signer = std::find_if(
        authorities.begin(), authorities.end(), [&](const X509Ptr& ca) {
          return X509_NAME_cmp(X509_get_subject_name(ca.get()), issuer) == 0 &&
                 X509_CRL_verify(crl.get(), X509_get0_pubkey(ca.get())) == 1;
        });
    ERR_clear_error();
    if (signer == authorities.end()) {
      skipped.push_back(
          absl::StrCat(name, ": not issued and signed by a CA of tls.ca_file"));
      continue;
    }
    CrlPtr& kept = latest[NameDer(issuer)];
    if (kept == nullptr ||
        ASN1_TIME_compare(X509_CRL_get0_lastUpdate(crl.get()),
                          X509_CRL_get0_lastUpdate(kept.get())) > 0) {
      kept = std::move(crl);
    }
  }

  RevokedSet revoked;
  for (const auto& [issuer, crl] : latest) {
    STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(crl.get());
    for (int i = 0; i < sk_X509_REVOKED_num(entries); ++i) {
      const X509_REVOKED* entry = sk_X509_REVOKED_value(entries, i);
      revoked.insert(RevocationKey(X509_CRL_get_issuer(crl.get()),
                                   X509_REVOKED_get0_serialNumber(entry)));
    }
  }
  return std::make_pair(std::move(revoked), std::move(skipped));
}

absl::StatusOr<bool> CertificateRevocations::Refresh() {
  absl::StatusOr<std::string> fingerprint = DirectoryFingerprint();
  if (!fingerprint.ok()) return fingerprint.status();
  {
    absl::MutexLock lock(&mu_);
    if (revoked_ != nullptr && *fingerprint == fingerprint_) return false;
  }
  auto read = ReadAll();
  if (!read.ok()) return read.status();
  auto revoked = std::make_shared<const RevokedSet>(std::move(read->first));
  absl::MutexLock lock(&mu_);
  const bool changed = revoked_ == nullptr || *revoked_ != *revoked;
  fingerprint_ = *std::move(fingerprint);
  revoked_ = std::move(revoked);
  skipped_ = std::move(read->second);
  return changed;
}

absl::StatusOr<bool> CertificateRevocations::IsRevoked(
    absl::string_view certificate_pem) const {
  std::string key;
  {
    absl::MutexLock lock(&parsed_mu_);
    const auto known = key_of_pem_.find(certificate_pem);
    if (known != key_of_pem_.end()) key = known->second;
  }
  if (key.empty()) {
    BioPtr bio = MemoryBio(certificate_pem);
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    ERR_clear_error();
    if (cert == nullptr) {
      return absl::InvalidArgumentError("peer certificate does not parse");
    }
    key = RevocationKey(X509_get_issuer_name(cert.get()),
                        X509_get0_serialNumber(cert.get()));
    absl::MutexLock lock(&parsed_mu_);
    // Bounded: certificates rotate, and a hub must not grow forever with
    // them; starting over costs one parse per certificate in use.
    if (key_of_pem_.size() >= 4096) key_of_pem_.clear();
    key_of_pem_.emplace(certificate_pem, key);
  }
  absl::MutexLock lock(&mu_);
  return revoked_->contains(key);
}

std::vector<std::string> CertificateRevocations::skipped() const {
  absl::MutexLock lock(&mu_);
  return skipped_;
}

size_t CertificateRevocations::revoked_count() const {
  absl::MutexLock lock(&mu_);
  return revoked_->size();
}

}  // namespace sx::server
