#include "server/call_support.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/grpc_status.h"
#include "server/hub_log.h"
#include "server/peer_identity.h"

namespace sx::server {

absl::StatusOr<core::Identity> AuthenticateCall(
    grpc::CallbackServerContext* context, const core::HubConfig& config,
    const CertificateRevocations* revocations, core::Service service) {
  return AuthenticatePeer(context->auth_context().get(), config, revocations,
                          service);
}

absl::StatusOr<core::Identity> AuthenticatePeer(
    const grpc::AuthContext* auth, const core::HubConfig& config,
    const CertificateRevocations* revocations, core::Service service) {
  if (auth == nullptr) return absl::UnauthenticatedError("no TLS peer");
  absl::StatusOr<core::Identity> caller =
      IdentityOfPeer(*auth, config, revocations);
  if (!caller.ok()) return caller.status();
  absl::Status access = core::CheckServiceAccess(*caller, service);
  if (!access.ok()) return access;
  return caller;
}

CallRecord::CallRecord(absl::string_view method, std::string caller)
    : method_(method), caller_(std::move(caller)), start_(absl::Now()) {}

void CallRecord::Log(const absl::Status& status,
                     absl::string_view referral_id) const {
  LogLine(absl::StrCat(
      method_, " caller=", caller_.empty() ? "-" : caller_,
      " referral=", referral_id.empty() ? "-" : referral_id,
      " status=", absl::StatusCodeToString(status.code()),
      " ms=", absl::ToDoubleMilliseconds(absl::Now() - start_),
      status.ok() ? "" : absl::StrCat(" error=\"", status.message(), "\"")));
}

grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                    const CallRecord& record,
                                    const absl::Status& status) {
  record.Log(status);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace sx::server
