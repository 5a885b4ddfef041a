// AdminClient over gRPC with mutual TLS, on the channel and the retrying
// unary calls every SDK client shares.
#include <memory>
#include <utility>

#include "client_sdk/proto_convert.h"
#include "client_sdk/statistics_client_base.h"
#include "client_sdk/unary_call.h"
#include "grpcpp/grpcpp.h"
#include "supervision/v1/admin.grpc.pb.h"
#include "sx/client/admin_client.h"

namespace sx::client {
namespace {

namespace v1 = ::supervision::v1;
using internal::ToProto;

// Thread-safe, as ServiceClient is. Overrides every method of AdminClient: the
// interface's UNIMPLEMENTED defaults are for fakes only; GetStatistics comes
// with the base.
class GrpcAdminClient final
    : public internal::StatisticsClientBase<AdminClient, v1::AdminService> {
 public:
  using StatisticsClientBase::StatisticsClientBase;

  absl::StatusOr<TransferPage> ListTransfers(
      const TransferQuery& query) override {
    return Call(&Stub::ListTransfers, ToProto(query));
  }

  absl::StatusOr<std::vector<InboxStats>> GetInboxStats() override {
    return Call(&Stub::GetInboxStats, v1::GetInboxStatsRequest());
  }

  absl::StatusOr<DeadLetterPage> ListDeadLetters(
      const DeadLetterQuery& query) override {
    return Call(&Stub::ListDeadLetters, ToProto(query));
  }

  absl::StatusOr<uint32_t> RedriveDeadLetters(
      const std::string& agency_id,
      const std::vector<uint64_t>& sequences) override {
    v1::RedriveDeadLettersRequest request;
    request.set_agency_id(agency_id);
    for (uint64_t sequence : sequences) request.add_sequences(sequence);
    return Call(&Stub::RedriveDeadLetters, request);
  }

  absl::StatusOr<TransferCounts> GetTransferCounts() override {
    return Call(&Stub::GetTransferCounts, v1::GetTransferCountsRequest());
  }

  absl::StatusOr<HubStatus> GetHubStatus() override {
    return Call(&Stub::GetHubStatus, v1::GetHubStatusRequest());
  }

  absl::StatusOr<RewrapProgress> RewrapDataKeys(
      const std::string& page_token, uint32_t max_referrals) override {
    v1::RewrapDataKeysRequest request;
    request.set_page_token(page_token);
    request.set_max_referrals(max_referrals);
    return Call(&Stub::RewrapDataKeys, request);
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<AdminClient>> ConnectAdminClient(
    const ClientOptions& options) {
  return internal::ConnectClient<AdminClient, GrpcAdminClient>(options);
}

}  // namespace sx::client
