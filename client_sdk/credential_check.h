// Checks of a client's own certificate, key and CA before it connects: the
// mistakes that gRPC would otherwise report only as a failed handshake (or
// an internal error) and that the hub would refuse without telling the
// client why. Private to the SDK.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace sx::client::internal {

// PEM text and where it came from (a file path, or the option's name when
// given inline), so that messages name what the user wrote.
struct PemInput {
  std::string pem;
  std::string origin;
};

// INVALID_ARGUMENT when a PEM does not parse or the key does not belong to
// the certificate (swapped, or another agency's key); UNAUTHENTICATED when
// the hub would refuse the certificate for what it carries: expired or not
// yet valid at `now`, or not exactly one URI SAN naming the identity.
absl::Status CheckClientCredentials(const PemInput& ca,
                                    const PemInput& certificate,
                                    const PemInput& private_key,
                                    absl::Time now);

// INVALID_ARGUMENT unless `address` is host:port (or a gRPC target with a
// scheme, e.g. dns:///host:port or unix:/path, which gRPC checks itself).
absl::Status CheckHubAddress(const std::string& address);

}  // namespace sx::client::internal
