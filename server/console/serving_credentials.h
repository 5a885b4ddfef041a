// The console's side of certificate rotation: the hub's certificate chain
// and key, and the client CAs, read again from their files when one changed,
// so that a handshake after a rotation gets the new ones without a restart
// (gRPC's listener watches the same files).
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "supervision/v1/config.pb.h"

namespace sx::console {

// Thread-safe.
class ServingCredentials {
 public:
  // Reads the files; fails, naming the file, if one does not read or the
  // key does not belong to the certificate.
  static absl::StatusOr<std::unique_ptr<ServingCredentials>> Load(
      const ::supervision::v1::TlsConfig& tls);
  ~ServingCredentials();

  // Gives `ssl` the current certificate chain, key, client-CA store (with
  // the CRL directory) and CA names, first reading the files again if one
  // changed since the last read. Files caught half written keep the
  // previous credentials until they read. For SSL_CTX_set_cert_cb.
  bool Install(SSL* ssl) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Material;
  explicit ServingCredentials(::supervision::v1::TlsConfig tls)
      : tls_(std::move(tls)) {}

  std::string FilesStamp() const;
  absl::StatusOr<std::shared_ptr<const Material>> Read() const;

  const ::supervision::v1::TlsConfig tls_;
  absl::Mutex mu_;
  std::string stamp_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const Material> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sx::console
