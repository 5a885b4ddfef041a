#include "server/console/console_tls.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <string>

#include "absl/strings/str_cat.h"

namespace sx::console {
namespace {

// The newest OpenSSL error, for the message; clears the queue.
std::string OpenSslError() {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

absl::Status Failed(absl::string_view what, const std::string& path) {
  return absl::FailedPreconditionError(absl::StrCat(
      "console: cannot use ", what, " ", path, ": ", OpenSslError()));
}

}  // namespace

absl::Status ConfigureConsoleTls(SSL_CTX& context,
                                 const ::supervision::v1::TlsConfig& tls) {
  SSL_CTX_set_min_proto_version(&context, TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(&context, tls.cert_file().c_str()) !=
      1) {
    return Failed("tls.cert_file", tls.cert_file());
  }
  if (SSL_CTX_use_PrivateKey_file(&context, tls.key_file().c_str(),
                                  SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(&context) != 1) {
    return Failed("tls.key_file", tls.key_file());
  }
  if (SSL_CTX_load_verify_locations(&context, tls.ca_file().c_str(),
                                    nullptr) != 1) {
    return Failed("tls.ca_file", tls.ca_file());
  }
  if (!tls.crl_directory().empty()) {
    // Hashed-name lookup, as gRPC's: each CRL is read when a handshake
    // first needs it. The hub's own re-read list (CertificateRevocations)
    // checks every request on top of this.
    X509_STORE* store = SSL_CTX_get_cert_store(&context);
    if (X509_STORE_load_locations(store, nullptr,
                                  tls.crl_directory().c_str()) != 1) {
      return Failed("tls.crl_directory", tls.crl_directory());
    }
    X509_STORE_set_flags(store,
                         X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  }
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.ca_file().c_str());
  if (names == nullptr) return Failed("tls.ca_file", tls.ca_file());
  SSL_CTX_set_client_CA_list(&context, names);  // takes ownership
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
  return absl::OkStatus();
}

}  // namespace sx::console
