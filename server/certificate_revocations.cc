#include "server/certificate_revocations.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "sx/base/file_stamp.h"
#include "sx/base/openssl_handles.h"

namespace sx::server {
namespace {

using openssl::BignumPtr;
using openssl::BioPtr;
using openssl::ClearOpenSslErrors;
using openssl::MemoryBio;
using openssl::X509CrlPtr;
using openssl::X509Ptr;

// The whole file, or why not, naming it.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is not a regular file"));
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  return std::string(std::istreambuf_iterator<char>(file), {});
}

// The name under which OpenSSL's hashed directory looks a CRL up: the
// issuer's name hash as eight lower-case hex digits, ".r", a decimal number.
// Other files are not CRLs to OpenSSL, nor to us.
bool IsCrlFileName(absl::string_view name) {
  if (name.size() < 11 || name.substr(8, 2) != ".r") return false;
  const absl::string_view hash = name.substr(0, 8);
  const absl::string_view number = name.substr(10);
  return std::all_of(hash.begin(), hash.end(),
                     [](char c) {
                       return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
                     }) &&
         std::all_of(number.begin(), number.end(),
                     [](char c) { return absl::ascii_isdigit(c); }) &&
         (number == "0" || number[0] != '0');
}

// The key id in a CRL's authority key identifier ("" if it has none).
std::string AuthorityKeyId(X509_CRL* crl) {
  auto* akid = static_cast<AUTHORITY_KEYID*>(X509_CRL_get_ext_d2i(
      crl, NID_authority_key_identifier, nullptr, nullptr));
  if (akid == nullptr) return "";
  std::string id;
  if (akid->keyid != nullptr) {
    id.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(akid->keyid)),
              ASN1_STRING_length(akid->keyid));
  }
  AUTHORITY_KEYID_free(akid);
  return id;
}

// A CA certificate's subject key id ("" if it has none).
std::string SubjectKeyId(X509* ca) {
  const ASN1_OCTET_STRING* id = X509_get0_subject_key_id(ca);
  if (id == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(id)),
                     ASN1_STRING_length(id));
}

std::vector<X509Ptr> ReadCertificates(absl::string_view pem) {
  std::vector<X509Ptr> certificates;
  BioPtr bio = MemoryBio(pem);
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certificates.emplace_back(cert);
  }
  ClearOpenSslErrors();  // the end of the file reads as an error
  return certificates;
}

// PEM or DER; null if `bytes` is neither.
X509CrlPtr ParseCrl(absl::string_view bytes) {
  BioPtr bio = MemoryBio(bytes);
  X509CrlPtr crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  if (crl == nullptr) {
    const auto* der = reinterpret_cast<const unsigned char*>(bytes.data());
    crl.reset(d2i_X509_CRL(nullptr, &der, static_cast<long>(bytes.size())));
  }
  ClearOpenSslErrors();
  return crl;
}

// A CA certificate's SHA-256, which tells apart CAs of the same name.
std::string CaId(X509* ca) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(ca, EVP_sha256(), digest, &length) != 1) return "";
  return std::string(reinterpret_cast<char*>(digest), length);
}

std::string SerialHex(const ASN1_INTEGER* serial) {
  BignumPtr number(ASN1_INTEGER_to_BN(serial, nullptr));
  if (number == nullptr) return "";
  char* hex = BN_bn2hex(number.get());
  std::string text = hex == nullptr ? "" : hex;
  OPENSSL_free(hex);
  return text;
}

std::string RevocationKey(const std::string& ca_id,
                          const ASN1_INTEGER* serial) {
  return absl::StrCat(ca_id, "/", SerialHex(serial));
}

}  // namespace

struct CertificateRevocations::Snapshot {
  uint64_t generation = 0;
  std::vector<X509Ptr> authorities;
  std::vector<std::string> authority_ids;
  // RevocationKey of each revoked certificate.
  absl::flat_hash_set<std::string> revoked;
  std::vector<std::string> skipped;
};

absl::StatusOr<std::unique_ptr<CertificateRevocations>>
CertificateRevocations::Load(std::string crl_directory, std::string ca_file) {
  std::unique_ptr<CertificateRevocations> revocations(
      new CertificateRevocations(std::move(crl_directory), std::move(ca_file)));
  absl::StatusOr<RefreshResult> read = revocations->Refresh();
  if (!read.ok()) return read.status();
  return revocations;
}

absl::StatusOr<std::vector<std::string>> CertificateRevocations::CrlFiles()
    const {
  std::vector<std::string> paths;
  std::error_code error;
  for (std::filesystem::directory_iterator it(crl_directory_, error), end;
       !error && it != end; it.increment(error)) {
    if (IsCrlFileName(it->path().filename().string())) {
      paths.push_back(it->path().string());
    }
  }
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("tls.crl_directory: cannot list ", crl_directory_, ": ",
                     error.message()));
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

absl::StatusOr<std::string> CertificateRevocations::FilesFingerprint() const {
  absl::StatusOr<std::vector<std::string>> crls = CrlFiles();
  if (!crls.ok()) return crls.status();
  std::string fingerprint =
      absl::StrCat(ca_file_, " ", base::FileStamp(ca_file_), "\n");
  for (const std::string& path : *crls) {
    absl::StrAppend(&fingerprint, path, " ", base::FileStamp(path), "\n");
  }
  return fingerprint;
}

absl::StatusOr<std::shared_ptr<CertificateRevocations::Snapshot>>
CertificateRevocations::ReadAll() const {
  auto snapshot = std::make_shared<Snapshot>();
  const absl::StatusOr<std::string> ca_pem = ReadWholeFile(ca_file_);
  if (!ca_pem.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("tls.ca_file: ", ca_pem.status().message()));
  }
  snapshot->authorities = ReadCertificates(*ca_pem);
  if (snapshot->authorities.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("tls.ca_file: no CA certificate in ", ca_file_,
                     " to check the CRLs' signatures with"));
  }
  for (const X509Ptr& ca : snapshot->authorities) {
    snapshot->authority_ids.push_back(CaId(ca.get()));
  }

  absl::StatusOr<std::vector<std::string>> paths = CrlFiles();
  if (!paths.ok()) return paths.status();

  // Per signing CA (index into authorities): its CRL with the latest
  // lastUpdate.
  absl::flat_hash_map<size_t, X509CrlPtr> latest;
  for (const std::string& path : *paths) {
    // Skipping a CRL that does not read could bring back certificates it
    // revokes (an older CRL would count instead): refuse the whole read.
    const absl::StatusOr<std::string> bytes = ReadWholeFile(path);
    if (!bytes.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("tls.crl_directory: ", bytes.status().message()));
    }
    X509CrlPtr crl = ParseCrl(*bytes);
    if (crl == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "tls.crl_directory: ", path,
          " is not a CRL in PEM or DER (caught half written? publish CRLs by "
          "renaming a complete file into place)"));
    }
    const std::string name = std::filesystem::path(path).filename().string();
    const X509_NAME* issuer = X509_CRL_get_issuer(crl.get());
    const std::string authority_key = AuthorityKeyId(crl.get());
    bool issuer_known = false;
    std::optional<size_t> signer;
    for (size_t i = 0; i < snapshot->authorities.size(); ++i) {
      X509* ca = snapshot->authorities[i].get();
      if (X509_NAME_cmp(X509_get_subject_name(ca), issuer) != 0) continue;
      // Same name, other key, as across a CA key rollover: that CA's CRL,
      // not this one's (OpenSSL tells them apart the same way).
      const std::string subject_key = SubjectKeyId(ca);
      if (!authority_key.empty() && !subject_key.empty() &&
          authority_key != subject_key) {
        continue;
      }
      issuer_known = true;
      if (X509_CRL_verify(crl.get(), X509_get0_pubkey(ca)) == 1) {
        signer = i;
        break;
      }
    }
    ClearOpenSslErrors();
    if (!signer.has_value()) {
      if (issuer_known) {
        return absl::FailedPreconditionError(absl::StrCat(
            "tls.crl_directory: ", path,
            " names a CA of tls.ca_file (by name and key id) as its issuer, "
            "but that CA's key does not verify its signature"));
      }
      snapshot->skipped.push_back(
          absl::StrCat(name,
                       ": issued by a CA (name and key id) that is not in "
                       "tls.ca_file; the hub does not check it itself"));
      continue;
    }
    X509CrlPtr& kept = latest[*signer];
    if (kept == nullptr ||
        ASN1_TIME_compare(X509_CRL_get0_lastUpdate(crl.get()),
                          X509_CRL_get0_lastUpdate(kept.get())) > 0) {
      kept = std::move(crl);
    }
  }

  for (const auto& [ca, crl] : latest) {
    STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(crl.get());
    for (int i = 0; i < sk_X509_REVOKED_num(entries); ++i) {
      snapshot->revoked.insert(RevocationKey(
          snapshot->authority_ids[ca],
          X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(entries, i))));
    }
  }
  return snapshot;
}

absl::StatusOr<CertificateRevocations::RefreshResult>
CertificateRevocations::Refresh() {
  absl::StatusOr<std::string> fingerprint = FilesFingerprint();
  if (!fingerprint.ok()) return fingerprint.status();
  {
    absl::MutexLock lock(&mu_);
    if (snapshot_ != nullptr && *fingerprint == fingerprint_) {
      return RefreshResult::kFilesUnchanged;
    }
  }
  absl::StatusOr<std::shared_ptr<Snapshot>> read = ReadAll();
  if (!read.ok()) return read.status();
  absl::MutexLock lock(&mu_);
  // Numbered when published, so that each snapshot has its own number even
  // if two refreshes ran side by side.
  (*read)->generation = ++last_generation_;
  const bool changed =
      snapshot_ == nullptr || snapshot_->revoked != (*read)->revoked;
  fingerprint_ = *std::move(fingerprint);
  snapshot_ = *std::move(read);
  return changed ? RefreshResult::kRevocationsChanged
                 : RefreshResult::kSameRevocations;
}

std::shared_ptr<const CertificateRevocations::Snapshot>
CertificateRevocations::snapshot() const {
  absl::MutexLock lock(&mu_);
  return snapshot_;
}

absl::StatusOr<bool> CertificateRevocations::IsRevoked(
    absl::string_view certificate_pem) const {
  const std::shared_ptr<const Snapshot> current = snapshot();
  std::vector<std::string> keys;
  bool known = false;
  {
    absl::MutexLock lock(&parsed_mu_);
    // Keys depend on the snapshot's CAs. A caller still holding an older
    // snapshot neither uses nor fills the cache.
    if (current->generation > parsed_generation_) {
      keys_of_pem_.clear();
      parsed_generation_ = current->generation;
    }
    const auto found = current->generation == parsed_generation_
                           ? keys_of_pem_.find(certificate_pem)
                           : keys_of_pem_.end();
    if (found != keys_of_pem_.end()) {
      keys = found->second;
      known = true;
    }
  }
  if (!known) {
    BioPtr bio = MemoryBio(certificate_pem);
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    ClearOpenSslErrors();
    if (cert == nullptr) {
      return absl::InvalidArgumentError("peer certificate does not parse");
    }
    // Every CA of ca_file that issued it: by name and key identifier, and
    // its key verifies the certificate's signature.
    for (size_t i = 0; i < current->authorities.size(); ++i) {
      X509* ca = current->authorities[i].get();
      if (X509_check_issued(ca, cert.get()) == X509_V_OK &&
          X509_verify(cert.get(), X509_get0_pubkey(ca)) == 1) {
        keys.push_back(RevocationKey(current->authority_ids[i],
                                     X509_get0_serialNumber(cert.get())));
      }
    }
    ClearOpenSslErrors();
    absl::MutexLock lock(&parsed_mu_);
    // Bounded: certificates rotate, and a hub must not grow forever with
    // them; starting over costs one parse per certificate in use.
    if (keys_of_pem_.size() >= 4096) keys_of_pem_.clear();
    if (parsed_generation_ == current->generation) {
      keys_of_pem_.emplace(certificate_pem, keys);
    }
  }
  return std::any_of(keys.begin(), keys.end(), [&](const std::string& key) {
    return current->revoked.contains(key);
  });
}

std::vector<std::string> CertificateRevocations::skipped() const {
  return snapshot()->skipped;
}

size_t CertificateRevocations::revoked_count() const {
  return snapshot()->revoked.size();
}

}  // namespace sx::server
