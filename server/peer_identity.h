// Who is calling, from the peer certificate only. The handshake verifier
// refuses certificates without exactly one URI SAN naming a configured
// identity; the per-call lookup repeats the check against the current config,
// so that an identity removed by a reload loses access at once.
#pragma once

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/security/auth_context.h"
#include "grpcpp/security/tls_certificate_verifier.h"
#include "hub_config.h"
#include "identity.h"

namespace sx::server {

using ConfigSource = std::function<std::shared_ptr<const core::HubConfig>()>;

// The identity named by the peer's SPIFFE id (its single URI SAN), or
// UNAUTHENTICATED with the reason.
absl::StatusOr<core::Identity> IdentityOfPeer(const grpc::AuthContext& auth,
                                              const core::HubConfig& config);

// A TLS verifier that runs after the chain was verified against the CA: the
// client certificate must carry exactly one URI SAN, naming a configured
// agency, admin or auditor.
std::shared_ptr<grpc::experimental::CertificateVerifier>
MakeClientIdentityVerifier(ConfigSource config);

}  // namespace sx::server
