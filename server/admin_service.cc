#include "server/admin_service.h"

#include "server/call_support.h"
#include "server/grpc_status.h"

namespace sx::server {

namespace v1 = ::supervision::v1;

AdminService::AdminService(core::AdminCore& core,
                           core::AdminCore::ConfigSource config,
                           const CertificateRevocations* revocations)
    : core_(core), config_(std::move(config)), revocations_(revocations) {}

template <typename Response>
grpc::ServerUnaryReactor* AdminService::Answer(
    grpc::CallbackServerContext* context, const char* method,
    Response* response,
    const std::function<absl::StatusOr<Response>()>& answer) {
  return AuthenticateAndAnswer(context, *config_(), revocations_,
                               core::Service::kAdmin, method, response, answer);
}

grpc::ServerUnaryReactor* AdminService::ListTransfers(
    grpc::CallbackServerContext* context,
    const v1::ListTransfersRequest* request,
    v1::ListTransfersResponse* response) {
  return Answer<v1::ListTransfersResponse>(
      context, "Admin.ListTransfers", response,
      [&] { return core_.ListTransfers(*request); });
}

grpc::ServerUnaryReactor* AdminService::GetInboxStats(
    grpc::CallbackServerContext* context, const v1::GetInboxStatsRequest*,
    v1::GetInboxStatsResponse* response) {
  return Answer<v1::GetInboxStatsResponse>(context, "Admin.GetInboxStats",
                                           response,
                                           [&] { return core_.InboxStats(); });
}

grpc::ServerUnaryReactor* AdminService::ListDeadLetters(
    grpc::CallbackServerContext* context,
    const v1::ListDeadLettersRequest* request,
    v1::ListDeadLettersResponse* response) {
  return Answer<v1::ListDeadLettersResponse>(
      context, "Admin.ListDeadLetters", response,
      [&] { return core_.ListDeadLetters(*request); });
}

grpc::ServerUnaryReactor* AdminService::RedriveDeadLetters(
    grpc::CallbackServerContext* context,
    const v1::RedriveDeadLettersRequest* request,
    v1::RedriveDeadLettersResponse* response) {
  constexpr char kMethod[] = "Admin.RedriveDeadLetters";
  absl::StatusOr<core::Identity> caller = AuthenticateCall(
      context, *config_(), revocations_, core::Service::kAdmin);
  if (!caller.ok()) {
    return FinishNow(context, CallRecord(kMethod, ""), caller.status());
  }
  auto record = std::make_shared<CallRecord>(kMethod, caller->name);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_.Redrive(*request,
                [reactor, response, record](absl::StatusOr<uint32_t> redriven) {
                  if (redriven.ok()) response->set_redriven(*redriven);
                  record->Log(redriven.status());
                  reactor->Finish(ToGrpcStatus(redriven.status()));
                });
  return reactor;
}

grpc::ServerUnaryReactor* AdminService::GetTransferCounts(
    grpc::CallbackServerContext* context, const v1::GetTransferCountsRequest*,
    v1::GetTransferCountsResponse* response) {
  return Answer<v1::GetTransferCountsResponse>(
      context, "Admin.GetTransferCounts", response,
      [&] { return core_.TransferCounts(); });
}

grpc::ServerUnaryReactor* AdminService::GetHubStatus(
    grpc::CallbackServerContext* context, const v1::GetHubStatusRequest*,
    v1::HubStatus* response) {
  return Answer<v1::HubStatus>(context, "Admin.GetHubStatus", response,
                               [&] { return core_.Status(); });
}

}  // namespace sx::server
