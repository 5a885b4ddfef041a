// The gRPC face of AuditService: auditor certificates only.
#pragma once

#include <functional>

#include "server/certificate_revocations.h"
#include "supervision/v1/audit.grpc.pb.h"
#include "sx/core/admin_core.h"
#include "sx/core/audit_core.h"

namespace sx::server {

// Thread-safe.
class AuditService final
    : public ::supervision::v1::AuditService::CallbackService {
 public:
  // `revocations`: null when no tls.crl_directory is configured.
  AuditService(core::AuditCore& core, core::AdminCore::ConfigSource config,
               const CertificateRevocations* revocations);

  grpc::ServerUnaryReactor* QueryEvents(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::QueryEventsRequest* request,
      ::supervision::v1::QueryEventsResponse* response) override;
  grpc::ServerUnaryReactor* GetCheckpoint(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::GetCheckpointRequest* request,
      ::supervision::v1::SignedCheckpoint* response) override;
  grpc::ServerUnaryReactor* GetInclusionProof(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::GetInclusionProofRequest* request,
      ::supervision::v1::InclusionProof* response) override;
  grpc::ServerUnaryReactor* GetConsistencyProof(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::GetConsistencyProofRequest* request,
      ::supervision::v1::ConsistencyProof* response) override;
  grpc::ServerUnaryReactor* ExportEvents(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::ExportEventsRequest* request,
      ::supervision::v1::EventExport* response) override;

 private:
  template <typename Response>
  grpc::ServerUnaryReactor* Answer(
      grpc::CallbackServerContext* context, const char* method,
      Response* response,
      const std::function<absl::StatusOr<Response>()>& answer);

  core::AuditCore& core_;
  const core::AdminCore::ConfigSource config_;
  const CertificateRevocations* const revocations_;
};

}  // namespace sx::server
