#include "server/supervision_ledger_service.h"

#include <utility>

#include "server/call_support.h"

namespace sx::server {

namespace v1 = ::supervision::v1;

SupervisionLedgerService::SupervisionLedgerService(
    core::SupervisionLedgerCore& core,
    std::function<std::shared_ptr<const core::HubConfig>()> config,
    const CertificateRevocations* revocations)
    : core_(core), config_(std::move(config)), revocations_(revocations) {}

grpc::ServerUnaryReactor* SupervisionLedgerService::ListSupervisedReferrals(
    grpc::CallbackServerContext* context,
    const v1::ListSupervisedReferralsRequest* request,
    v1::ListSupervisedReferralsResponse* response) {
  const absl::Time start = absl::Now();
  constexpr char kMethod[] = "ListSupervisedReferrals";
  absl::StatusOr<core::Identity> caller = AuthenticateCall(
      context, *config_(), revocations_, core::Service::kExchange);
  if (!caller.ok()) {
    return FinishNow(context, CallRecord(kMethod, "", start), caller.status());
  }
  return FinishWith(context, CallRecord(kMethod, caller->name, start),
                    core_.List(*caller, *request), response);
}

}  // namespace sx::server
