#include "server/distribution_service.h"

#include <utility>

#include "server/call_support.h"
#include "server/grpc_status.h"

namespace sx::server {

namespace v1 = ::supervision::v1;

DistributionService::DistributionService(
    core::DistributionCore& core,
    std::function<std::shared_ptr<const core::HubConfig>()> config,
    const CertificateRevocations* revocations,
    const StepSignatureCheck& signatures)
    : core_(core),
      config_(std::move(config)),
      revocations_(revocations),
      signatures_(signatures) {}

grpc::ServerUnaryReactor* DistributionService::SubmitDistribution(
    grpc::CallbackServerContext* context,
    const v1::SubmitDistributionRequest* request, v1::Distribution* response) {
  const absl::Time start = absl::Now();
  constexpr char kMethod[] = "SubmitDistribution";
  absl::StatusOr<AuthenticatedStep> step = AuthenticateStep(
      context, *config_(), revocations_, signatures_,
      FullMethodName(v1::DistributionService::service_full_name(), kMethod),
      *request);
  if (!step.ok()) {
    return FinishNow(context, CallRecord(kMethod, "", start), step.status());
  }
  auto record = std::make_shared<CallRecord>(kMethod, step->caller.name, start);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_.Submit(
      step->caller, *request, std::move(step->request_sha256),
      [reactor, response, record](absl::StatusOr<v1::Distribution> result) {
        if (result.ok()) *response = std::move(*result);
        record->Log(result.status(),
                    result.ok() ? response->distribution_id() : "");
        reactor->Finish(ToGrpcStatus(result.status()));
      },
      std::move(step->signed_step));
  return reactor;
}

grpc::ServerUnaryReactor* DistributionService::GetDistribution(
    grpc::CallbackServerContext* context,
    const v1::GetDistributionRequest* request, v1::Distribution* response) {
  const absl::Time start = absl::Now();
  constexpr char kMethod[] = "GetDistribution";
  absl::StatusOr<core::Identity> caller = AuthenticateCall(
      context, *config_(), revocations_, core::Service::kExchange);
  if (!caller.ok()) {
    return FinishNow(context, CallRecord(kMethod, "", start), caller.status());
  }
  return FinishWith(context, CallRecord(kMethod, caller->name, start),
                    core_.Get(*caller, request->distribution_id()), response);
}

grpc::ServerUnaryReactor* DistributionService::ListDistributions(
    grpc::CallbackServerContext* context,
    const v1::ListDistributionsRequest* request,
    v1::ListDistributionsResponse* response) {
  const absl::Time start = absl::Now();
  constexpr char kMethod[] = "ListDistributions";
  absl::StatusOr<core::Identity> caller = AuthenticateCall(
      context, *config_(), revocations_, core::Service::kExchange);
  if (!caller.ok()) {
    return FinishNow(context, CallRecord(kMethod, "", start), caller.status());
  }
  return FinishWith(context, CallRecord(kMethod, caller->name, start),
                    core_.List(*caller, *request), response);
}

}  // namespace sx::server
