// What every RPC handler of the hub shares: authenticating the caller for a
// service (the one place identity and service access are checked), one log
// line per call, and finishing a unary call from a status or result.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "server/certificate_revocations.h"
#include "server/step_signature_check.h"
#include "sx/core/access_policy.h"
#include "sx/core/hub_config.h"
#include "sx/core/identity.h"

namespace sx::server {

// The caller's identity from its certificate, if it may use `service`.
// `revocations` is null when no tls.crl_directory is configured.
absl::StatusOr<core::Identity> AuthenticateCall(
    grpc::CallbackServerContext* context, const core::HubConfig& config,
    const CertificateRevocations* revocations, core::Service service);
// An agency's call that takes a step: who calls, the SHA-256 of the request
// (what a retry must repeat and a signature covers), and its checked
// signature, if it was signed.
struct AuthenticatedStep {
  core::Identity caller;
  std::string request_sha256;
  std::optional<core::SignedStep> signed_step;
};
// AuthenticateCall for the exchange, then the step signature's check (for
// `method`, "/<service>/<method>") against `config`.
absl::StatusOr<AuthenticatedStep> AuthenticateStep(
    grpc::CallbackServerContext* context, const core::HubConfig& config,
    const CertificateRevocations* revocations,
    const StepSignatureCheck& signatures, const std::string& method,
    const google::protobuf::Message& request);

// The same for a connection's peer (`auth` may be null: no TLS peer); what
// open streams re-check after a config reload or a new CRL.
absl::StatusOr<core::Identity> AuthenticatePeer(
    const grpc::AuthContext* auth, const core::HubConfig& config,
    const CertificateRevocations* revocations, core::Service service);

// Logs one line when a call ends: method, caller, referral, status, and
// ms=, the milliseconds from `start` to Log() as a plain decimal
// ("ms=0.046", "ms=12.500"). Never the request's content. `start` is when
// the handler began, before authentication; a record made after the work
// (with the default, now) times nothing but itself.
class CallRecord {
 public:
  CallRecord(absl::string_view method, std::string caller,
             absl::Time start = absl::Now());
  void Log(const absl::Status& status,
           absl::string_view referral_id = "") const;

 private:
  const std::string method_;
  const std::string caller_;
  const absl::Time start_;
};

// Logs and finishes a unary call that completes right away.
grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                    const CallRecord& record,
                                    const absl::Status& status);

// Moves a ready result into the response, then logs and finishes.
template <typename Response>
grpc::ServerUnaryReactor* FinishWith(grpc::CallbackServerContext* context,
                                     const CallRecord& record,
                                     absl::StatusOr<Response> result,
                                     Response* response) {
  if (result.ok()) *response = *std::move(result);
  return FinishNow(context, record, result.status());
}

// "0.046": `elapsed` in milliseconds as a plain decimal, to the microsecond
// (never "4.6e-05"); negative durations count as zero.
std::string FormatMilliseconds(absl::Duration elapsed);

// Authenticates the caller for `service`, then finishes with what `answer`
// returns: the whole of a read-only unary handler. The logged time covers
// both.
template <typename Response>
grpc::ServerUnaryReactor* AuthenticateAndAnswer(
    grpc::CallbackServerContext* context, const core::HubConfig& config,
    const CertificateRevocations* revocations, core::Service service,
    absl::string_view method, Response* response,
    const std::function<absl::StatusOr<Response>()>& answer) {
  const absl::Time start = absl::Now();
  absl::StatusOr<core::Identity> caller =
      AuthenticateCall(context, config, revocations, service);
  if (!caller.ok()) {
    return FinishNow(context, CallRecord(method, "", start), caller.status());
  }
  absl::StatusOr<Response> result = answer();
  return FinishWith(context, CallRecord(method, caller->name, start),
                    std::move(result), response);
}

}  // namespace sx::server
