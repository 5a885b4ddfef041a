#include "server/console/console_tls.h"

#include <openssl/x509v3.h>

namespace sx::console {

void ConfigureConsoleTls(SSL_CTX& context, ServingCredentials& credentials) {
  SSL_CTX_set_min_proto_version(&context, TLS1_2_VERSION);
  SSL_CTX_set_cert_cb(
      &context,
      [](SSL* ssl, void* arg) {
        return static_cast<ServingCredentials*>(arg)->Install(ssl) ? 1 : 0;
      },
      &credentials);
  // No session resumption: every connection verifies its certificate
  // against the CA and CRLs afresh. (A resumed session would also need a
  // session id context, without which OpenSSL fails the handshake, and
  // browsers do resume: it failed one connection in a few.)
  SSL_CTX_set_session_cache_mode(&context, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(&context, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(&context, 0);
  SSL_CTX_set_purpose(&context, X509_PURPOSE_SSL_CLIENT);
  SSL_CTX_set_verify(&context,
                     SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                     nullptr);
}

}  // namespace sx::console
