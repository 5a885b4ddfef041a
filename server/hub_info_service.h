// The gRPC face of HubInfoService: WhoAmI, for any configured identity. It
// tells callers how the hub sees them, so that a wrong certificate, address
// or clock shows up in one call instead of in a refusal later.
#pragma once

#include <string>

#include "server/certificate_revocations.h"
#include "server/peer_identity.h"
#include "supervision/v1/hub_info.grpc.pb.h"
#include "sx/core/clock.h"

namespace sx::server {

// Thread-safe.
class HubInfoService final
    : public ::supervision::v1::HubInfoService::CallbackService {
 public:
  // `revocations`: null when no tls.crl_directory is configured. `version` is
  // the hub's build version.
  HubInfoService(ConfigSource config, const CertificateRevocations* revocations,
                 const core::Clock& clock, std::string version);

  grpc::ServerUnaryReactor* WhoAmI(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::WhoAmIRequest* request,
      ::supervision::v1::WhoAmIResponse* response) override;

 private:
  const ConfigSource config_;
  const CertificateRevocations* const revocations_;
  const core::Clock& clock_;
  const std::string version_;
};

}  // namespace sx::server
