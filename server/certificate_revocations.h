// The certificates that the CA has revoked, read from the CRL files of
// tls.crl_directory, so that a revocation also reaches callers whose TLS
// connection is older than the CRL: TLS checks the CRL only in the handshake.
// gRPC 1.51 also reads each CRL file only once, so a CRL replaced in place
// (rather than published under a new name) reaches no handshake until a
// restart; this list re-reads changed files, and the hub checks it in its
// handshake verifier and on every call.
//
//   auto revocations = CertificateRevocations::Load(dir, ca_file);
//   ... (*revocations)->Refresh() every tls.refresh_interval_seconds ...
//   if ((*revocations)->IsRevoked(peer_pem)) refuse;
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace sx::server {

// Thread-safe.
class CertificateRevocations {
 public:
  // Reads every CRL in `crl_directory` (PEM or DER; other files are
  // skipped). A CRL counts only if one of the CA certificates in `ca_file`
  // issued and signed it; of several CRLs of one CA, the one with the latest
  // lastUpdate counts, as in OpenSSL's own check. Fails if `ca_file` holds no
  // certificate or the directory cannot be listed.
  static absl::StatusOr<std::unique_ptr<CertificateRevocations>> Load(
      std::string crl_directory, std::string ca_file);

  // Re-reads the directory if a file in it appeared, disappeared or changed
  // (size or modification time). True if the revoked set changed. On an
  // error the previous set stays.
  absl::StatusOr<bool> Refresh() ABSL_LOCKS_EXCLUDED(mu_);

  // Whether the certificate (PEM, as gRPC gives the peer's) is revoked.
  // Fails only if it does not parse.
  absl::StatusOr<bool> IsRevoked(absl::string_view certificate_pem) const
      ABSL_LOCKS_EXCLUDED(mu_, parsed_mu_);

  // What the last read skipped and why (e.g. a CRL no configured CA signed),
  // one line each, for the log.
  std::vector<std::string> skipped() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t revoked_count() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // "<issuer name, DER>/<serial, hex>" of each revoked certificate.
  using RevokedSet = absl::flat_hash_set<std::string>;

  CertificateRevocations(std::string crl_directory, std::string ca_file)
      : crl_directory_(std::move(crl_directory)),
        ca_file_(std::move(ca_file)) {}

  // What Refresh compares: each file's name, size and modification time.
  absl::StatusOr<std::string> DirectoryFingerprint() const;
  absl::StatusOr<std::pair<RevokedSet, std::vector<std::string>>> ReadAll()
      const;

  const std::string crl_directory_;
  const std::string ca_file_;

  mutable absl::Mutex mu_;
  std::string fingerprint_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const RevokedSet> revoked_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> skipped_ ABSL_GUARDED_BY(mu_);

  // Parsing a PEM costs tens of microseconds; a hub sees a few hundred
  // distinct certificates at most, so each is parsed once.
  mutable absl::Mutex parsed_mu_;
  mutable absl::flat_hash_map<std::string, std::string> key_of_pem_
      ABSL_GUARDED_BY(parsed_mu_);
};

}  // namespace sx::server
