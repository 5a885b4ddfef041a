// The gRPC face of the supervision ledger (supervision_ledger.proto):
// agency certificates only; the core admits supervising agencies.
#pragma once

#include <functional>
#include <memory>

#include "server/certificate_revocations.h"
#include "supervision/v1/supervision_ledger.grpc.pb.h"
#include "sx/core/hub_config.h"
#include "sx/core/supervision_ledger_core.h"

namespace sx::server {

// Thread-safe.
class SupervisionLedgerService final
    : public ::supervision::v1::SupervisionLedgerService::CallbackService {
 public:
  // `revocations`: null when no tls.crl_directory is configured.
  SupervisionLedgerService(
      core::SupervisionLedgerCore& core,
      std::function<std::shared_ptr<const core::HubConfig>()> config,
      const CertificateRevocations* revocations);

  grpc::ServerUnaryReactor* ListSupervisedReferrals(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::ListSupervisedReferralsRequest* request,
      ::supervision::v1::ListSupervisedReferralsResponse* response) override;

 private:
  core::SupervisionLedgerCore& core_;
  const std::function<std::shared_ptr<const core::HubConfig>()> config_;
  const CertificateRevocations* const revocations_;
};

}  // namespace sx::server
