// The console's server-side TLS: the hub's certificate and key, and client
// certificates required and verified against the hub's client CA and the
// CRLs of tls.crl_directory, as the gRPC listener does.
#pragma once

#include <openssl/ssl.h>

#include "absl/status/status.h"
#include "supervision/v1/config.pb.h"

namespace sx::console {

// Sets up `context` (a fresh server context): TLS 1.2 or later, the hub's
// certificate chain and key, client certificates required (a handshake
// without one, or with one the CA did not issue for client authentication,
// or that a CRL revokes, fails), no session resumption, and the CA names
// sent to the client so that a browser offers the right certificate.
absl::Status ConfigureConsoleTls(SSL_CTX& context,
                                 const ::supervision::v1::TlsConfig& tls);

}  // namespace sx::console
