// AuditClient over gRPC with mutual TLS, on the channel and the retrying
// unary calls every SDK client shares (every call only reads, so retrying
// any of them is safe); and ParseEventBytes, which needs the contract's
// Event type that the public header cannot name.
#include <climits>
#include <memory>
#include <utility>

#include "client_sdk/proto_convert.h"
#include "client_sdk/statistics_client_base.h"
#include "client_sdk/unary_call.h"
#include "grpcpp/grpcpp.h"
#include "supervision/v1/audit.grpc.pb.h"
#include "sx/client/audit_client.h"

namespace sx::client {
namespace {

namespace v1 = ::supervision::v1;
using internal::ToProto;

// Thread-safe, as ServiceClient is. Overrides every method of AuditClient: the
// interface's UNIMPLEMENTED defaults are for fakes only; GetStatistics comes
// with the base.
class GrpcAuditClient final
    : public internal::StatisticsClientBase<AuditClient, v1::AuditService> {
 public:
  using StatisticsClientBase::StatisticsClientBase;

  absl::StatusOr<EventPage> QueryEvents(const EventQuery& query) override {
    return Call(&Stub::QueryEvents, ToProto(query));
  }

  absl::StatusOr<SignedCheckpoint> GetCheckpoint() override {
    return Call(&Stub::GetCheckpoint, v1::GetCheckpointRequest());
  }

  absl::StatusOr<InclusionProof> GetInclusionProof(
      uint64_t sequence, uint64_t tree_size) override {
    v1::GetInclusionProofRequest request;
    request.set_sequence(sequence);
    request.set_tree_size(tree_size);
    return Call(&Stub::GetInclusionProof, request);
  }

  absl::StatusOr<ConsistencyProof> GetConsistencyProof(
      uint64_t first_size, uint64_t second_size) override {
    v1::GetConsistencyProofRequest request;
    request.set_first_size(first_size);
    request.set_second_size(second_size);
    return Call(&Stub::GetConsistencyProof, request);
  }

  absl::StatusOr<EventExport> ExportEvents(uint64_t from_sequence,
                                           uint64_t to_sequence) override {
    v1::ExportEventsRequest request;
    request.set_from_sequence(from_sequence);
    request.set_to_sequence(to_sequence);
    return Call(&Stub::ExportEvents, request);
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<AuditClient>> ConnectAuditClient(
    const ClientOptions& options) {
  return internal::ConnectClient<AuditClient, GrpcAuditClient>(options);
}

absl::StatusOr<Event> ParseEventBytes(absl::string_view event_bytes) {
  v1::Event event;
  if (event_bytes.size() > INT_MAX ||
      !event.ParseFromArray(event_bytes.data(),
                            static_cast<int>(event_bytes.size()))) {
    return absl::DataLossError("the bytes are not a serialized event");
  }
  return internal::FromProto(event);
}

}  // namespace sx::client
