#include "server/call_support.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "server/grpc_status.h"
#include "server/hub_log.h"
#include "server/peer_identity.h"
#include "sx/base/status_macros.h"

namespace sx::server {

absl::StatusOr<core::Identity> AuthenticateCall(
    grpc::CallbackServerContext* context, const core::HubConfig& config,
    const CertificateRevocations* revocations, core::Service service) {
  return AuthenticatePeer(context->auth_context().get(), config, revocations,
                          service);
}

absl::StatusOr<AuthenticatedStep> AuthenticateStep(
    grpc::CallbackServerContext* context, const core::HubConfig& config,
    const CertificateRevocations* revocations,
    const StepSignatureCheck& signatures, const std::string& method,
    const google::protobuf::Message& request) {
  SX_ASSIGN_OR_RETURN(
      core::Identity caller,
      AuthenticateCall(context, config, revocations, core::Service::kExchange));
  std::string request_sha256 = RequestSha256(request);
  SX_ASSIGN_OR_RETURN(std::optional<core::SignedStep> signed_step,
                      signatures.CheckStep(*context, config, caller, method,
                                           request_sha256));
  return AuthenticatedStep{std::move(caller), std::move(request_sha256),
                           std::move(signed_step)};
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

std::string FormatMilliseconds(absl::Duration elapsed) {
  // Whole microseconds, printed as milliseconds with three decimals: exact,
  // where a double printed by StrCat turns into "4.6e-05" below 1e-4.
  const int64_t micros = absl::ToInt64Microseconds(
      std::max(elapsed, absl::ZeroDuration()));
  return absl::StrFormat("%d.%03d", micros / 1000, micros % 1000);
}

CallRecord::CallRecord(absl::string_view method, std::string caller,
                       absl::Time start)
    : method_(method), caller_(std::move(caller)), start_(start) {}

void CallRecord::Log(const absl::Status& status,
                     absl::string_view referral_id) const {
  LogLine(absl::StrCat(
      method_, " caller=", caller_.empty() ? "-" : caller_,
      " referral=", referral_id.empty() ? "-" : referral_id,
      " status=", absl::StatusCodeToString(status.code()),
      " ms=", FormatMilliseconds(absl::Now() - start_),
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
