// Mutual-TLS server credentials: the hub's key and certificate, the CA that
// signs client certificates and an optional CRL directory, all watched on
// disk so that rotation and new CRLs take effect without a restart.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"
#include "server/peer_identity.h"
#include "supervision/v1/config.pb.h"

namespace sx::server {

// Checks that the files exist and are readable before gRPC starts watching
// them (gRPC only logs a missing file and then refuses every handshake).
// `revocations` (null without tls.crl_directory) is checked in the handshake
// besides OpenSSL's own CRL check.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const supervision::v1::TlsConfig& tls, ConfigSource config,
    std::shared_ptr<const CertificateRevocations> revocations);

}  // namespace sx::server
