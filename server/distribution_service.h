// The gRPC face of distributions (distribution.proto): authenticates the
// calling agency from its certificate (agencies only, as the exchange) and
// hands each call to the core.
#pragma once

#include <functional>
#include <memory>

#include "server/certificate_revocations.h"
#include "server/step_signature_check.h"
#include "supervision/v1/distribution.grpc.pb.h"
#include "sx/core/distribution_core.h"
#include "sx/core/hub_config.h"

namespace sx::server {

// Thread-safe; handlers never block (submissions finish from the store's
// completion thread once durable).
class DistributionService final
    : public ::supervision::v1::DistributionService::CallbackService {
 public:
  // `revocations`: null when no tls.crl_directory is configured.
  DistributionService(
      core::DistributionCore& core,
      std::function<std::shared_ptr<const core::HubConfig>()> config,
      const CertificateRevocations* revocations,
      const StepSignatureCheck& signatures);

  grpc::ServerUnaryReactor* SubmitDistribution(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::SubmitDistributionRequest* request,
      ::supervision::v1::Distribution* response) override;
  grpc::ServerUnaryReactor* GetDistribution(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::GetDistributionRequest* request,
      ::supervision::v1::Distribution* response) override;
  grpc::ServerUnaryReactor* ListDistributions(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::ListDistributionsRequest* request,
      ::supervision::v1::ListDistributionsResponse* response) override;

 private:
  core::DistributionCore& core_;
  const std::function<std::shared_ptr<const core::HubConfig>()> config_;
  const CertificateRevocations* const revocations_;
  const StepSignatureCheck& signatures_;
};

}  // namespace sx::server
