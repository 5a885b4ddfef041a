// The gRPC face of the rectification ledger (rectification.proto):
// authenticates the calling agency from its certificate (the same rule as
// the exchange: agencies only) and hands each call to the core.
#pragma once

#include <functional>
#include <memory>

#include "server/call_support.h"
#include "server/certificate_revocations.h"
#include "server/step_signature_check.h"
#include "supervision/v1/rectification.grpc.pb.h"
#include "sx/core/hub_config.h"
#include "sx/core/rectification_core.h"

namespace sx::server {

// Thread-safe; handlers never block (mutations finish from the store's
// completion thread once durable).
class RectificationService final
    : public ::supervision::v1::RectificationService::CallbackService {
 public:
  // `revocations`: null when no tls.crl_directory is configured.
  RectificationService(
      core::RectificationCore& core,
      std::function<std::shared_ptr<const core::HubConfig>()> config,
      const CertificateRevocations* revocations,
      const StepSignatureCheck& signatures);

  grpc::ServerUnaryReactor* AddRectificationItems(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::AddRectificationItemsRequest* request,
      ::supervision::v1::RectificationStepResponse* response) override;
  grpc::ServerUnaryReactor* ReportRectification(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::ReportRectificationRequest* request,
      ::supervision::v1::RectificationStepResponse* response) override;
  grpc::ServerUnaryReactor* VerifyRectification(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::VerifyRectificationRequest* request,
      ::supervision::v1::RectificationStepResponse* response) override;
  grpc::ServerUnaryReactor* ListRectificationItems(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::ListRectificationItemsRequest* request,
      ::supervision::v1::ListRectificationItemsResponse* response) override;

 private:
  // Authenticates the step (and its signature), then runs `start` with it
  // and a callback that logs and finishes the call.
  using Start =
      std::function<void(AuthenticatedStep step, core::LedgerCallback done)>;
  grpc::ServerUnaryReactor* RunMutation(
      grpc::CallbackServerContext* context, const char* method,
      const google::protobuf::Message& request, const std::string& referral_id,
      ::supervision::v1::RectificationStepResponse* response, Start start);

  core::RectificationCore& core_;
  const std::function<std::shared_ptr<const core::HubConfig>()> config_;
  const CertificateRevocations* const revocations_;
  const StepSignatureCheck& signatures_;
};

}  // namespace sx::server
