// What the console reads of a connection's client certificate: its URI SANs
// and its PEM, the two things the hub's identity rule looks at.
#pragma once

#include <openssl/ssl.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace sx::console {

struct PeerCertificate {
  std::vector<std::string> uris;
  std::string pem;
};

// The verified client certificate of `ssl`; UNAUTHENTICATED if there is
// none, or OpenSSL did not verify it.
absl::StatusOr<PeerCertificate> PeerCertificateOf(const SSL* ssl);

}  // namespace sx::console
