// Who is calling, from the peer certificate only. The handshake verifier
// refuses certificates without exactly one URI SAN naming a configured
// identity, and revoked ones; the per-call lookup repeats both checks against
// the current config and CRLs, so that an identity removed by a reload loses
// access at once, and a certificate revoked by a new CRL once the hub has
// re-read the CRLs (every tls.refresh_interval_seconds), even on a
// connection made before.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/security/auth_context.h"
#include "grpcpp/security/tls_certificate_verifier.h"
#include "server/certificate_revocations.h"
#include "sx/core/hub_config.h"
#include "sx/core/identity.h"

namespace sx::server {

using ConfigSource = std::function<std::shared_ptr<const core::HubConfig>()>;

// The identity named by the peer's SPIFFE id (its single URI SAN), or
// UNAUTHENTICATED with the reason. `revocations` is null when no
// tls.crl_directory is configured.
absl::StatusOr<core::Identity> IdentityOfPeer(
    const grpc::AuthContext& auth, const core::HubConfig& config,
    const CertificateRevocations* revocations);

// The identity that a client certificate, already verified against the CA,
// names: it must carry exactly one URI SAN (`uris` lists them all), naming a
// configured agency, admin or auditor, and must not be revoked (its PEM is
// `certificate_pem`). UNAUTHENTICATED with the reason otherwise. The rule of
// the handshake verifier below, and of every listener that takes client
// certificates (the web console).
absl::StatusOr<core::Identity> IdentityOfCertificate(
    const std::vector<absl::string_view>& uris,
    absl::string_view certificate_pem, const core::HubConfig& config,
    const CertificateRevocations* revocations);

// A TLS verifier that runs after the chain was verified against the CA: the
// client certificate must carry exactly one URI SAN, naming a configured
// agency, admin or auditor, and must not be revoked (checked here too because
// OpenSSL's own check never re-reads a CRL file replaced in place).
std::shared_ptr<grpc::experimental::CertificateVerifier>
MakeClientIdentityVerifier(
    ConfigSource config,
    std::shared_ptr<const CertificateRevocations> revocations);

}  // namespace sx::server
