// The part that ExchangeClient, AdminClient and AuditClient over gRPC share
// beyond ServiceClient: GetStatistics. Any identity may ask StatisticsService
// (statistics.proto), and the hub decides from the certificate what it sees,
// so each of the three offers the call, on its own channel and connection
// history, through this one implementation. Private to the SDK.
//
//   class GrpcAdminClient final
//       : public StatisticsClientBase<AdminClient, v1::AdminService> {
//     using StatisticsClientBase::StatisticsClientBase;
//     ... return Call(&Stub::GetHubStatus, v1::GetHubStatusRequest()); ...
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "client_sdk/proto_convert.h"
#include "client_sdk/unary_call.h"
#include "grpcpp/channel.h"
#include "supervision/v1/statistics.grpc.pb.h"
#include "sx/client/client_options.h"
#include "sx/client/types.h"

namespace sx::client::internal {

// `Interface` (one of the public client interfaces, each of which declares
// GetStatistics) implemented over `Service`, with GetStatistics already
// overridden. Thread-safe, as ServiceClient is.
template <typename Interface, typename Service>
class StatisticsClientBase : public Interface,
                             protected ServiceClient<Service> {
 public:
  StatisticsClientBase(const ClientOptions& options,
                       std::shared_ptr<grpc::Channel> channel)
      : ServiceClient<Service>(options, channel),
        statistics_stub_(
            ::supervision::v1::StatisticsService::NewStub(channel)) {}

  absl::StatusOr<Statistics> GetStatistics(
      const StatisticsQuery& query) override {
    return this->CallOn(
        *statistics_stub_,
        &::supervision::v1::StatisticsService::Stub::GetStatistics,
        ToProto(query));
  }

 private:
  const std::unique_ptr<::supervision::v1::StatisticsService::Stub>
      statistics_stub_;
};

}  // namespace sx::client::internal
