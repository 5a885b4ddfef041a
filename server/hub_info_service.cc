#include "server/hub_info_service.h"

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "grpc/grpc_security_constants.h"
#include "server/call_support.h"
#include "sx/core/timestamps.h"

namespace sx::server {
namespace {

namespace v1 = ::supervision::v1;

v1::IdentityKind KindOf(core::Identity::Kind kind) {
  switch (kind) {
    case core::Identity::Kind::kAgency:
      return v1::IDENTITY_KIND_AGENCY;
    case core::Identity::Kind::kAdmin:
      return v1::IDENTITY_KIND_ADMIN;
    case core::Identity::Kind::kAuditor:
      return v1::IDENTITY_KIND_AUDITOR;
  }
  return v1::IDENTITY_KIND_UNSPECIFIED;
}

// The SPIFFE id the call's certificate carries: the URI its identity was
// found by (authentication has checked there is exactly one).
std::string CertificateUri(const grpc::CallbackServerContext& context) {
  const std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr) return "";
  const std::vector<grpc::string_ref> ids =
      auth->FindPropertyValues(GRPC_PEER_SPIFFE_ID_PROPERTY_NAME);
  if (ids.size() != 1) return "";
  return std::string(ids[0].data(), ids[0].size());
}

v1::CallerIdentity Describe(const core::Identity& caller,
                            const core::HubConfig& config, std::string uri) {
  v1::CallerIdentity described;
  described.set_kind(KindOf(caller.kind));
  described.set_name(caller.name);
  described.set_certificate_uri(std::move(uri));
  // Authentication found the agency in this very config; a null here would
  // only mean an operator, who has none of these fields.
  const v1::Agency* agency =
      caller.is_agency() ? config.FindAgency(caller.name) : nullptr;
  if (agency == nullptr) return described;
  described.set_agency_type(agency->type());
  described.set_display_name(agency->display_name());
  described.set_supervisor(agency->supervisor());
  return described;
}

}  // namespace

HubInfoService::HubInfoService(ConfigSource config,
                               const CertificateRevocations* revocations,
                               const core::Clock& clock, std::string version)
    : config_(std::move(config)),
      revocations_(revocations),
      clock_(clock),
      version_(std::move(version)) {}

grpc::ServerUnaryReactor* HubInfoService::WhoAmI(
    grpc::CallbackServerContext* context, const v1::WhoAmIRequest*,
    v1::WhoAmIResponse* response) {
  constexpr char kMethod[] = "HubInfo.WhoAmI";
  const absl::Time start = absl::Now();
  // One config for both the check and the answer, so that a reload between
  // them cannot describe an identity the check did not see.
  const std::shared_ptr<const core::HubConfig> config = config_();
  absl::StatusOr<core::Identity> caller =
      AuthenticateCall(context, *config, revocations_, core::Service::kHubInfo);
  if (!caller.ok()) {
    return FinishNow(context, CallRecord(kMethod, "", start), caller.status());
  }
  *response->mutable_caller() =
      Describe(*caller, *config, CertificateUri(*context));
  response->set_hub_id(config->proto().hub_id());
  response->set_hub_version(version_);
  *response->mutable_hub_time() = core::ToTimestamp(clock_.Now());
  return FinishNow(context, CallRecord(kMethod, caller->name, start),
                   absl::OkStatus());
}

}  // namespace sx::server
