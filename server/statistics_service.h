// The gRPC face of the statistics (statistics.proto): any configured
// identity may call; the core decides whose figures it sees.
#pragma once

#include <functional>
#include <memory>

#include "server/certificate_revocations.h"
#include "supervision/v1/statistics.grpc.pb.h"
#include "sx/core/hub_config.h"
#include "sx/core/statistics_core.h"

namespace sx::server {

// Thread-safe.
class StatisticsService final
    : public ::supervision::v1::StatisticsService::CallbackService {
 public:
  // `revocations`: null when no tls.crl_directory is configured.
  StatisticsService(
      core::StatisticsCore& core,
      std::function<std::shared_ptr<const core::HubConfig>()> config,
      const CertificateRevocations* revocations);

  grpc::ServerUnaryReactor* GetStatistics(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::GetStatisticsRequest* request,
      ::supervision::v1::GetStatisticsResponse* response) override;

 private:
  core::StatisticsCore& core_;
  const std::function<std::shared_ptr<const core::HubConfig>()> config_;
  const CertificateRevocations* const revocations_;
};

}  // namespace sx::server
