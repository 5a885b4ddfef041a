// The defaults of AuditClient, out of line so that its vtable lives in the
// SDK library and a fake that overrides only a few methods links against
// them; a method added to the interface later comes with its default, and
// the fake keeps compiling. GrpcAuditClient overrides every one of them.
#include "sx/client/audit_client.h"

#include "absl/status/status.h"

namespace sx::client {

AuditClient::~AuditClient() = default;

absl::StatusOr<EventPage> AuditClient::QueryEvents(const EventQuery&) {
  return absl::UnimplementedError(
      "AuditClient::QueryEvents is not implemented by this client");
}

absl::StatusOr<SignedCheckpoint> AuditClient::GetCheckpoint() {
  return absl::UnimplementedError(
      "AuditClient::GetCheckpoint is not implemented by this client");
}

absl::StatusOr<InclusionProof> AuditClient::GetInclusionProof(uint64_t,
                                                              uint64_t) {
  return absl::UnimplementedError(
      "AuditClient::GetInclusionProof is not implemented by this client");
}

absl::StatusOr<ConsistencyProof> AuditClient::GetConsistencyProof(uint64_t,
                                                                  uint64_t) {
  return absl::UnimplementedError(
      "AuditClient::GetConsistencyProof is not implemented by this client");
}

absl::StatusOr<EventExport> AuditClient::ExportEvents(uint64_t, uint64_t) {
  return absl::UnimplementedError(
      "AuditClient::ExportEvents is not implemented by this client");
}

absl::StatusOr<Statistics> AuditClient::GetStatistics(const StatisticsQuery&) {
  return absl::UnimplementedError(
      "AuditClient::GetStatistics is not implemented by this client");
}

}  // namespace sx::client
