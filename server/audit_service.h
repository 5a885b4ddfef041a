// The gRPC face of AuditService: auditor certificates only.
#pragma once

#include <functional>

#include "admin_core.h"
#include "audit_core.h"
#include "certificate_revocations.h"
#include "supervision/v1/audit.grpc.pb.h"

namespace sx::server {

namespace v1 = ::supervision::v1;

// Thread-safe.
class AuditService final : public v1::AuditService::CallbackService {
 public:
  // `revocations`: null when no tls.crl_directory is configured.
  AuditService(core::AuditCore& core, core::AdminCore::ConfigSource config,
               const CertificateRevocations* revocations);

  grpc::ServerUnaryReactor* QueryEvents(
      grpc::CallbackServerContext* context,
      const v1::QueryEventsRequest* request,
      v1::QueryEventsResponse* response) override;
  grpc::ServerUnaryReactor* GetCheckpoint(
      grpc::CallbackServerContext* context,
      const v1::GetCheckpointRequest* request,
      v1::SignedCheckpoint* response) override;
  grpc::ServerUnaryReactor* GetInclusionProof(
      grpc::CallbackServerContext* context,
      const v1::GetInclusionProofRequest* request,
      v1::InclusionProof* response) override;
  grpc::ServerUnaryReactor* GetConsistencyProof(
      grpc::CallbackServerContext* context,
      const v1::GetConsistencyProofRequest* request,
      v1::ConsistencyProof* response) override;
  grpc::ServerUnaryReactor* ExportEvents(
      grpc::CallbackServerContext* context,
      const v1::ExportEventsRequest* request,
      v1::EventExport* response) override;

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
