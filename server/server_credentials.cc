#include "server/server_credentials.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "sx/base/status_macros.h"

namespace sx::server {
namespace {

absl::Status CheckReadable(absl::string_view field, const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return absl::FailedPreconditionError(
        absl::StrCat("config: tls.", field, ": cannot read ", path));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const supervision::v1::TlsConfig& tls, ConfigSource config,
    std::shared_ptr<const CertificateRevocations> revocations) {
  SX_RETURN_IF_ERROR(CheckReadable("ca_file", tls.ca_file()));
  SX_RETURN_IF_ERROR(CheckReadable("cert_file", tls.cert_file()));
  SX_RETURN_IF_ERROR(CheckReadable("key_file", tls.key_file()));
  if (!tls.crl_directory().empty() &&
      !std::filesystem::is_directory(tls.crl_directory())) {
    return absl::FailedPreconditionError(
        absl::StrCat("config: tls.crl_directory: ", tls.crl_directory(),
                     " is not a directory"));
  }
  auto provider =
      std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
          tls.key_file(), tls.cert_file(), tls.ca_file(),
          tls.refresh_interval_seconds());
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  if (!tls.crl_directory().empty()) {
    options.set_crl_directory(tls.crl_directory());
  }
  options.set_certificate_verifier(
      MakeClientIdentityVerifier(std::move(config), std::move(revocations)));
  return grpc::experimental::TlsServerCredentials(options);
}

}  // namespace sx::server
