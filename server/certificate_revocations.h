// The certificates that the CA has revoked, read from the CRL files of
// tls.crl_directory, so that a revocation also reaches callers whose TLS
// connection is older than the CRL: TLS checks the CRL only in the handshake.
// gRPC 1.51 also reads each CRL file only once, so a CRL replaced in place
// (rather than published under a new name) reaches no handshake until a
// restart; this list re-reads changed files, and the hub checks it in its
// handshake verifier, on every call and on open inbox streams.
//
//   auto revocations = CertificateRevocations::Load(dir, ca_file);
//   ... (*revocations)->Refresh() every tls.refresh_interval_seconds ...
//   absl::StatusOr<bool> revoked = (*revocations)->IsRevoked(peer_pem);
//   if (!revoked.ok() || *revoked) refuse;
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace sx::server {

// Thread-safe.
class CertificateRevocations {
 public:
  enum class RefreshResult {
    kFilesUnchanged,       // nothing re-read
    kSameRevocations,      // re-read; the same certificates are revoked
    kRevocationsChanged,   // re-read; the revoked set changed
  };

  // Reads the CRLs in `crl_directory`: only files named as OpenSSL looks
  // CRLs up, <issuer hash in lower-case hex>.r<N> (PEM or DER); other files
  // are ignored. Each counts for the CA of `ca_file` that signed it; of
  // several CRLs of one CA, the one with the latest lastUpdate, as in
  // OpenSSL's own check. Fails, naming the file, if a CRL file does not read
  // or parse (e.g. caught half written), or names a CA of `ca_file` (by name
  // and authority key id) as its issuer but that CA's key does not verify
  // it; also if `ca_file` holds no certificate or the directory cannot be
  // listed. CRLs of CAs that are not in `ca_file` (another name, or the same
  // name with another key, as an old CA after a key rollover) are skipped
  // and reported in skipped().
  static absl::StatusOr<std::unique_ptr<CertificateRevocations>> Load(
      std::string crl_directory, std::string ca_file);

  // Re-reads the CRLs if a CRL file or `ca_file` appeared, disappeared or
  // changed (size, times or inode). On an error the previous CRLs stay, and
  // the next call reads again.
  absl::StatusOr<RefreshResult> Refresh() ABSL_LOCKS_EXCLUDED(mu_);

  // Whether the certificate (PEM, as gRPC gives the peer's) is revoked by a
  // CRL of the CA of `ca_file` that issued it. A certificate that no CA of
  // `ca_file` issued directly (e.g. one from an intermediate CA) is not
  // checked here: false. Fails only if it does not parse.
  absl::StatusOr<bool> IsRevoked(absl::string_view certificate_pem) const
      ABSL_LOCKS_EXCLUDED(mu_, parsed_mu_);

  // CRL files the last read skipped and why, one line each, for the log.
  std::vector<std::string> skipped() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t revoked_count() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Snapshot;

  CertificateRevocations(std::string crl_directory, std::string ca_file)
      : crl_directory_(std::move(crl_directory)),
        ca_file_(std::move(ca_file)) {}

  // The paths of the CRL files in the directory, sorted.
  absl::StatusOr<std::vector<std::string>> CrlFiles() const;
  // What Refresh compares: each CRL file's and the CA file's FileStamp.
  absl::StatusOr<std::string> FilesFingerprint() const;
  absl::StatusOr<std::shared_ptr<Snapshot>> ReadAll() const;
  std::shared_ptr<const Snapshot> snapshot() const ABSL_LOCKS_EXCLUDED(mu_);

  const std::string crl_directory_;
  const std::string ca_file_;

  mutable absl::Mutex mu_;
  std::string fingerprint_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const Snapshot> snapshot_ ABSL_GUARDED_BY(mu_);
  uint64_t last_generation_ ABSL_GUARDED_BY(mu_) = 0;

  // Parsing a PEM costs tens of microseconds; a hub sees a few hundred
  // distinct certificates at most, so each is parsed once per snapshot (its
  // issuing CA may change with `ca_file`).
  mutable absl::Mutex parsed_mu_;
  mutable uint64_t parsed_generation_ ABSL_GUARDED_BY(parsed_mu_) = 0;
  mutable absl::flat_hash_map<std::string, std::vector<std::string>>
      keys_of_pem_ ABSL_GUARDED_BY(parsed_mu_);
};

}  // namespace sx::server
