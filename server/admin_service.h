// The gRPC face of AdminService: administrator certificates only; every
// reply comes from AdminCore, which hands out metadata only.
#pragma once

#include <functional>
#include <memory>

#include "server/certificate_revocations.h"
#include "supervision/v1/admin.grpc.pb.h"
#include "sx/core/admin_core.h"
#include "sx/core/hub_config.h"

namespace sx::server {

// Thread-safe.
class AdminService final
    : public ::supervision::v1::AdminService::CallbackService {
 public:
  // `revocations`: null when no tls.crl_directory is configured.
  AdminService(core::AdminCore& core, core::AdminCore::ConfigSource config,
               const CertificateRevocations* revocations);

  grpc::ServerUnaryReactor* ListTransfers(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::ListTransfersRequest* request,
      ::supervision::v1::ListTransfersResponse* response) override;
  grpc::ServerUnaryReactor* GetInboxStats(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::GetInboxStatsRequest* request,
      ::supervision::v1::GetInboxStatsResponse* response) override;
  grpc::ServerUnaryReactor* ListDeadLetters(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::ListDeadLettersRequest* request,
      ::supervision::v1::ListDeadLettersResponse* response) override;
  grpc::ServerUnaryReactor* RedriveDeadLetters(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::RedriveDeadLettersRequest* request,
      ::supervision::v1::RedriveDeadLettersResponse* response) override;
  grpc::ServerUnaryReactor* GetTransferCounts(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::GetTransferCountsRequest* request,
      ::supervision::v1::GetTransferCountsResponse* response) override;
  grpc::ServerUnaryReactor* GetHubStatus(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::GetHubStatusRequest* request,
      ::supervision::v1::HubStatus* response) override;
  grpc::ServerUnaryReactor* RewrapDataKeys(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::RewrapDataKeysRequest* request,
      ::supervision::v1::RewrapDataKeysResponse* response) override;

 private:
  // Authenticates as admin, then finishes with `answer()`'s result.
  template <typename Response>
  grpc::ServerUnaryReactor* Answer(
      grpc::CallbackServerContext* context, const char* method,
      Response* response,
      const std::function<absl::StatusOr<Response>()>& answer);
  // Authenticates as admin, then starts a write with `start` (given the
  // admin); the call finishes when the write is durable, `fill` putting its
  // result into the response.
  template <typename Result, typename Response>
  grpc::ServerUnaryReactor* AnswerWhenDurable(
      grpc::CallbackServerContext* context, const char* method,
      Response* response,
      const std::function<void(const core::Identity&,
                               std::function<void(absl::StatusOr<Result>)>)>&
          start,
      std::function<void(Result, Response&)> fill);

  core::AdminCore& core_;
  const core::AdminCore::ConfigSource config_;
  const CertificateRevocations* const revocations_;
};

}  // namespace sx::server
