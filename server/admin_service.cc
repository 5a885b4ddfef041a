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

template <typename Result, typename Response>
grpc::ServerUnaryReactor* AdminService::AnswerWhenDurable(
    grpc::CallbackServerContext* context, const char* method,
    Response* response,
    const std::function<void(const core::Identity&,
                             std::function<void(absl::StatusOr<Result>)>)>&
        start,
    std::function<void(Result, Response&)> fill) {
  absl::StatusOr<core::Identity> caller = AuthenticateCall(
      context, *config_(), revocations_, core::Service::kAdmin);
  if (!caller.ok()) {
    return FinishNow(context, CallRecord(method, ""), caller.status());
  }
  auto record = std::make_shared<CallRecord>(method, caller->name);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  start(*caller, [reactor, response, record,
         fill = std::move(fill)](absl::StatusOr<Result> result) {
    if (result.ok()) fill(*std::move(result), *response);
    record->Log(result.status());
    reactor->Finish(ToGrpcStatus(result.status()));
  });
  return reactor;
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
  return AnswerWhenDurable<uint32_t, v1::RedriveDeadLettersResponse>(
      context, "Admin.RedriveDeadLetters", response,
      [&](const core::Identity& admin, auto done) {
        core_.Redrive(admin, *request, std::move(done));
      },
      [](uint32_t redriven, v1::RedriveDeadLettersResponse& filled) {
        filled.set_redriven(redriven);
      });
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

grpc::ServerUnaryReactor* AdminService::RewrapDataKeys(
    grpc::CallbackServerContext* context,
    const v1::RewrapDataKeysRequest* request,
    v1::RewrapDataKeysResponse* response) {
  return AnswerWhenDurable<v1::RewrapDataKeysResponse,
                           v1::RewrapDataKeysResponse>(
      context, "Admin.RewrapDataKeys", response,
      [&](const core::Identity&, auto done) {
        core_.RewrapDataKeys(*request, std::move(done));
      },
      [](v1::RewrapDataKeysResponse rewrapped,
         v1::RewrapDataKeysResponse& filled) {
        filled = std::move(rewrapped);
      });
}

}  // namespace sx::server
