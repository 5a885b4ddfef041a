#include "server/rectification_service.h"

#include <utility>

#include "server/call_support.h"
#include "server/grpc_status.h"
#include "sx/base/sha256.h"

namespace sx::server {

namespace v1 = ::supervision::v1;

RectificationService::RectificationService(
    core::RectificationCore& core,
    std::function<std::shared_ptr<const core::HubConfig>()> config,
    const CertificateRevocations* revocations)
    : core_(core), config_(std::move(config)), revocations_(revocations) {}

grpc::ServerUnaryReactor* RectificationService::RunMutation(
    grpc::CallbackServerContext* context, const char* method,
    const std::string& referral_id, v1::RectificationStepResponse* response,
    Start start) {
  const absl::Time start_time = absl::Now();
  // Ledger calls are an agency's, like the exchange's.
  absl::StatusOr<core::Identity> caller = AuthenticateCall(
      context, *config_(), revocations_, core::Service::kExchange);
  if (!caller.ok()) {
    return FinishNow(context, CallRecord(method, "", start_time),
                     caller.status());
  }
  auto record = std::make_shared<CallRecord>(method, caller->name, start_time);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  start(*caller, [reactor, response, record, referral_id](
                     absl::StatusOr<v1::RectificationStepResponse> result) {
    if (result.ok()) *response = std::move(*result);
    record->Log(result.status(), referral_id);
    reactor->Finish(ToGrpcStatus(result.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* RectificationService::AddRectificationItems(
    grpc::CallbackServerContext* context,
    const v1::AddRectificationItemsRequest* request,
    v1::RectificationStepResponse* response) {
  return RunMutation(
      context, "AddRectificationItems", request->referral_id(), response,
      [this, request](const core::Identity& caller, core::LedgerCallback done) {
        core_.AddItems(caller, *request, Sha256(request->SerializeAsString()),
                       std::move(done));
      });
}

grpc::ServerUnaryReactor* RectificationService::ReportRectification(
    grpc::CallbackServerContext* context,
    const v1::ReportRectificationRequest* request,
    v1::RectificationStepResponse* response) {
  return RunMutation(
      context, "ReportRectification", request->referral_id(), response,
      [this, request](const core::Identity& caller, core::LedgerCallback done) {
        core_.Report(caller, *request, Sha256(request->SerializeAsString()),
                     std::move(done));
      });
}

grpc::ServerUnaryReactor* RectificationService::VerifyRectification(
    grpc::CallbackServerContext* context,
    const v1::VerifyRectificationRequest* request,
    v1::RectificationStepResponse* response) {
  return RunMutation(
      context, "VerifyRectification", request->referral_id(), response,
      [this, request](const core::Identity& caller, core::LedgerCallback done) {
        core_.Verify(caller, *request, Sha256(request->SerializeAsString()),
                     std::move(done));
      });
}

grpc::ServerUnaryReactor* RectificationService::ListRectificationItems(
    grpc::CallbackServerContext* context,
    const v1::ListRectificationItemsRequest* request,
    v1::ListRectificationItemsResponse* response) {
  const absl::Time start = absl::Now();
  constexpr char kMethod[] = "ListRectificationItems";
  absl::StatusOr<core::Identity> caller = AuthenticateCall(
      context, *config_(), revocations_, core::Service::kExchange);
  if (!caller.ok()) {
    return FinishNow(context, CallRecord(kMethod, "", start), caller.status());
  }
  absl::StatusOr<v1::ListRectificationItemsResponse> page =
      core_.List(*caller, *request);
  if (page.ok()) *response = std::move(*page);
  CallRecord(kMethod, caller->name, start)
      .Log(page.status(), request->referral_id());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(page.status()));
  return reactor;
}

}  // namespace sx::server
