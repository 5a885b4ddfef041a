#include "server/peer_identity.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "grpc/grpc_security_constants.h"
#include "server/hub_log.h"
#include "sx/base/status_macros.h"

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

absl::Status CheckNotRevoked(absl::string_view uri,
                             absl::string_view certificate_pem,
                             const CertificateRevocations* revocations) {
  if (revocations == nullptr) return absl::OkStatus();
  absl::StatusOr<bool> revoked = revocations->IsRevoked(certificate_pem);
  if (!revoked.ok()) {
    return absl::UnauthenticatedError(revoked.status().message());
  }
  if (*revoked) {
    return absl::UnauthenticatedError(absl::StrCat(
        "the client certificate is revoked: a CRL in tls.crl_directory lists "
        "this certificate of ",
        uri));
  }
  return absl::OkStatus();
}

// Synchronous; thread-safe (the config source is).
class ClientIdentityVerifier final
    : public grpc::experimental::ExternalCertificateVerifier {
 public:
  ClientIdentityVerifier(
      ConfigSource config,
      std::shared_ptr<const CertificateRevocations> revocations)
      : config_(std::move(config)), revocations_(std::move(revocations)) {}

  bool Verify(grpc::experimental::TlsCustomVerificationCheckRequest* request,
              std::function<void(grpc::Status)> /*callback*/,
              grpc::Status* sync_status) override {
    std::vector<absl::string_view> uris;
    for (const grpc::string_ref& uri : request->uri_names()) {
      uris.emplace_back(uri.data(), uri.size());
    }
    const grpc::string_ref pem = request->peer_cert();
    const absl::StatusOr<core::Identity> identity = IdentityOfCertificate(
        uris, absl::string_view(pem.data(), pem.size()), *config_(),
        revocations_.get());
    *sync_status =
        identity.ok() ? grpc::Status::OK : Refuse(identity.status().message());
    return true;
  }

  void Cancel(grpc::experimental::TlsCustomVerificationCheckRequest*) override {
  }

 private:
  static grpc::Status Refuse(absl::string_view reason) {
    LogLine(absl::StrCat("handshake refused: ", reason));
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, std::string(reason));
  }

  const ConfigSource config_;
  const std::shared_ptr<const CertificateRevocations> revocations_;
};

}  // namespace

absl::StatusOr<core::Identity> IdentityOfCertificate(
    const std::vector<absl::string_view>& uris,
    absl::string_view certificate_pem, const core::HubConfig& config,
    const CertificateRevocations* revocations) {
  if (uris.size() != 1) {
    return absl::UnauthenticatedError(absl::StrCat(
        "client certificate must carry exactly one URI SAN, found ",
        uris.size()));
  }
  SX_ASSIGN_OR_RETURN(core::Identity identity, IdentityOfUri(uris[0], config));
  SX_RETURN_IF_ERROR(CheckNotRevoked(uris[0], certificate_pem, revocations));
  return identity;
}

absl::StatusOr<core::Identity> IdentityOfPeer(
    const grpc::AuthContext& auth, const core::HubConfig& config,
    const CertificateRevocations* revocations) {
  const std::vector<grpc::string_ref> ids =
      auth.FindPropertyValues(GRPC_PEER_SPIFFE_ID_PROPERTY_NAME);
  if (ids.size() != 1) {
    return absl::UnauthenticatedError(
        "the client certificate carries no single SPIFFE id (URI SAN)");
  }
  const absl::string_view uri(ids[0].data(), ids[0].size());
  absl::StatusOr<core::Identity> identity = IdentityOfUri(uri, config);
  if (!identity.ok() || revocations == nullptr) return identity;
  const std::vector<grpc::string_ref> pems =
      auth.FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (pems.size() != 1) {
    return absl::UnauthenticatedError("no client certificate on the call");
  }
  absl::Status current = CheckNotRevoked(
      uri, absl::string_view(pems[0].data(), pems[0].size()), revocations);
  if (!current.ok()) return current;
  return identity;
}

std::shared_ptr<grpc::experimental::CertificateVerifier>
MakeClientIdentityVerifier(
    ConfigSource config,
    std::shared_ptr<const CertificateRevocations> revocations) {
  return grpc::experimental::ExternalCertificateVerifier::Create<
      ClientIdentityVerifier>(std::move(config), std::move(revocations));
}

}  // namespace sx::server
