#include "peer_identity.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "grpc/grpc_security_constants.h"
#include "hub_log.h"

namespace sx::server {
namespace {

absl::StatusOr<core::Identity> IdentityOfUri(absl::string_view uri,
                                             const core::HubConfig& config) {
  std::optional<core::Identity> identity = config.IdentityForUri(uri);
  if (!identity.has_value()) {
    return absl::UnauthenticatedError(absl::StrCat(
        "certificate identity ", uri, " is not configured on this hub"));
  }
  return *identity;
}

// Synchronous; thread-safe (the config source is).
class ClientIdentityVerifier final
    : public grpc::experimental::ExternalCertificateVerifier {
 public:
  explicit ClientIdentityVerifier(ConfigSource config)
      : config_(std::move(config)) {}

  bool Verify(grpc::experimental::TlsCustomVerificationCheckRequest* request,
              std::function<void(grpc::Status)> /*callback*/,
              grpc::Status* sync_status) override {
    const std::vector<grpc::string_ref> uris = request->uri_names();
    if (uris.size() != 1) {
      *sync_status = Refuse(absl::StrCat(
          "client certificate must carry exactly one URI SAN, found ",
          uris.size()));
      return true;
    }
    const absl::string_view uri(uris[0].data(), uris[0].size());
    absl::StatusOr<core::Identity> identity = IdentityOfUri(uri, *config_());
    *sync_status =
        identity.ok() ? grpc::Status::OK : Refuse(identity.status().message());
    return true;
  }

  void Cancel(grpc::experimental::TlsCustomVerificationCheckRequest*) override {}

 private:
  static grpc::Status Refuse(absl::string_view reason) {
    LogLine(absl::StrCat("handshake refused: ", reason));
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, std::string(reason));
  }

  const ConfigSource config_;
};

}  // namespace

absl::StatusOr<core::Identity> IdentityOfPeer(const grpc::AuthContext& auth,
                                              const core::HubConfig& config) {
  const std::vector<grpc::string_ref> ids =
      auth.FindPropertyValues(GRPC_PEER_SPIFFE_ID_PROPERTY_NAME);
  if (ids.size() != 1) {
    return absl::UnauthenticatedError(
        "the client certificate carries no single SPIFFE id (URI SAN)");
  }
  return IdentityOfUri(absl::string_view(ids[0].data(), ids[0].size()), config);
}

std::shared_ptr<grpc::experimental::CertificateVerifier>
MakeClientIdentityVerifier(ConfigSource config) {
  return grpc::experimental::ExternalCertificateVerifier::Create<
      ClientIdentityVerifier>(std::move(config));
}

}  // namespace sx::server
