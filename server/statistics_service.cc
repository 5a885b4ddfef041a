#include "server/statistics_service.h"

#include <utility>

#include "server/call_support.h"

namespace sx::server {

namespace v1 = ::supervision::v1;

StatisticsService::StatisticsService(
    core::StatisticsCore& core,
    std::function<std::shared_ptr<const core::HubConfig>()> config,
    const CertificateRevocations* revocations)
    : core_(core), config_(std::move(config)), revocations_(revocations) {}

grpc::ServerUnaryReactor* StatisticsService::GetStatistics(
    grpc::CallbackServerContext* context,
    const v1::GetStatisticsRequest* request,
    v1::GetStatisticsResponse* response) {
  const absl::Time start = absl::Now();
  constexpr char kMethod[] = "GetStatistics";
  absl::StatusOr<core::Identity> caller = AuthenticateCall(
      context, *config_(), revocations_, core::Service::kStatistics);
  if (!caller.ok()) {
    return FinishNow(context, CallRecord(kMethod, "", start), caller.status());
  }
  return FinishWith(context, CallRecord(kMethod, caller->name, start),
                    core_.Get(*caller, *request), response);
}

}  // namespace sx::server
