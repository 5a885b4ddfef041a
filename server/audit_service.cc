#include "server/audit_service.h"

#include "server/call_support.h"

namespace sx::server {

namespace v1 = ::supervision::v1;

AuditService::AuditService(core::AuditCore& core,
                           core::AdminCore::ConfigSource config,
                           const CertificateRevocations* revocations)
    : core_(core), config_(std::move(config)), revocations_(revocations) {}

template <typename Response>
grpc::ServerUnaryReactor* AuditService::Answer(
    grpc::CallbackServerContext* context, const char* method,
    Response* response,
    const std::function<absl::StatusOr<Response>()>& answer) {
  return AuthenticateAndAnswer(context, *config_(), revocations_,
                               core::Service::kAudit, method, response, answer);
}

grpc::ServerUnaryReactor* AuditService::QueryEvents(
    grpc::CallbackServerContext* context, const v1::QueryEventsRequest* request,
    v1::QueryEventsResponse* response) {
  return Answer<v1::QueryEventsResponse>(
      context, "Audit.QueryEvents", response,
      [&] { return core_.QueryEvents(*request); });
}

grpc::ServerUnaryReactor* AuditService::GetCheckpoint(
    grpc::CallbackServerContext* context, const v1::GetCheckpointRequest*,
    v1::SignedCheckpoint* response) {
  return Answer<v1::SignedCheckpoint>(context, "Audit.GetCheckpoint", response,
                                      [&] { return core_.Checkpoint(); });
}

grpc::ServerUnaryReactor* AuditService::GetInclusionProof(
    grpc::CallbackServerContext* context,
    const v1::GetInclusionProofRequest* request, v1::InclusionProof* response) {
  return Answer<v1::InclusionProof>(
      context, "Audit.GetInclusionProof", response, [&] {
        return core_.Inclusion(request->sequence(), request->tree_size());
      });
}

grpc::ServerUnaryReactor* AuditService::GetConsistencyProof(
    grpc::CallbackServerContext* context,
    const v1::GetConsistencyProofRequest* request,
    v1::ConsistencyProof* response) {
  return Answer<v1::ConsistencyProof>(
      context, "Audit.GetConsistencyProof", response, [&] {
        return core_.Consistency(request->first_size(), request->second_size());
      });
}

grpc::ServerUnaryReactor* AuditService::ExportEvents(
    grpc::CallbackServerContext* context,
    const v1::ExportEventsRequest* request, v1::EventExport* response) {
  return Answer<v1::EventExport>(context, "Audit.ExportEvents", response, [&] {
    return core_.Export(request->from_sequence(), request->to_sequence());
  });
}

}  // namespace sx::server
