// The console's server-side TLS: the hub's certificate and key, and client
// certificates required and verified against the hub's client CA and the
// CRLs of tls.crl_directory, as the gRPC listener does.
#pragma once

#include <openssl/ssl.h>

#include "server/console/serving_credentials.h"

namespace sx::console {

// Sets up `context` (a fresh server context): TLS 1.2 or later; each
// handshake gets the current certificate, key and client CAs from
// `credentials` (which must outlive the context); client certificates
// required (a handshake without one, or with one the CA did not issue for
// client authentication, or that a CRL revokes, fails); no session
// resumption.
void ConfigureConsoleTls(SSL_CTX& context, ServingCredentials& credentials);

}  // namespace sx::console
