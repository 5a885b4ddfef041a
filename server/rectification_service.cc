#include "server/rectification_service.h"

#include <utility>

#include "server/call_support.h"
#include "server/grpc_status.h"

namespace sx::server {

namespace v1 = ::supervision::v1;

RectificationService::RectificationService(
    core::RectificationCore& core,
    std::function<std::shared_ptr<const core::HubConfig>()> config,
    const CertificateRevocations* revocations,
    const StepSignatureCheck& signatures)
    : core_(core),
      config_(std::move(config)),
      revocations_(revocations),
      signatures_(signatures) {}

grpc::ServerUnaryReactor* RectificationService::RunMutation(
    grpc::CallbackServerContext* context, const char* method,
    const google::protobuf::Message& request, const std::string& referral_id,
    v1::RectificationStepResponse* response, Start start) {
  const absl::Time start_time = absl::Now();
  // Ledger calls are an agency's steps, like the exchange's.
  absl::StatusOr<AuthenticatedStep> step = AuthenticateStep(
      context, *config_(), revocations_, signatures_,
      FullMethodName(v1::RectificationService::service_full_name(), method),
      request);
  if (!step.ok()) {
    return FinishNow(context, CallRecord(method, "", start_time),
                     step.status());
  }
  auto record =
      std::make_shared<CallRecord>(method, step->caller.name, start_time);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  start(*std::move(step),
        [reactor, response, record,
         referral_id](absl::StatusOr<v1::RectificationStepResponse> result) {
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
      context, "AddRectificationItems", *request, request->referral_id(),
      response,
      [this, request](AuthenticatedStep step, core::LedgerCallback done) {
        core_.AddItems(step.caller, *request, std::move(step.request_sha256),
                       std::move(done), std::move(step.signed_step));
      });
}

grpc::ServerUnaryReactor* RectificationService::ReportRectification(
    grpc::CallbackServerContext* context,
    const v1::ReportRectificationRequest* request,
    v1::RectificationStepResponse* response) {
  return RunMutation(
      context, "ReportRectification", *request, request->referral_id(),
      response,
      [this, request](AuthenticatedStep step, core::LedgerCallback done) {
        core_.Report(step.caller, *request, std::move(step.request_sha256),
                     std::move(done), std::move(step.signed_step));
      });
}

grpc::ServerUnaryReactor* RectificationService::VerifyRectification(
    grpc::CallbackServerContext* context,
    const v1::VerifyRectificationRequest* request,
    v1::RectificationStepResponse* response) {
  return RunMutation(
      context, "VerifyRectification", *request, request->referral_id(),
      response,
      [this, request](AuthenticatedStep step, core::LedgerCallback done) {
        core_.Verify(step.caller, *request, std::move(step.request_sha256),
                     std::move(done), std::move(step.signed_step));
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
