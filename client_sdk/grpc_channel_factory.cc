#include "client_sdk/grpc_channel_factory.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "client_sdk/credential_check.h"
#include "client_sdk/step_signing.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace sx::client::internal {
namespace {

// Replies may carry attachments up to the hub's limits, or a whole export.
constexpr int kMaxReplyBytes = 64 * 1024 * 1024;

absl::StatusOr<PemInput> ReadPem(const std::string& pem,
                                 const std::string& file,
                                 absl::string_view what,
                                 absl::string_view pem_option) {
  if (!pem.empty()) return PemInput{pem, std::string(pem_option)};
  if (file.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no ", what, " given (file or PEM)"));
  }
  std::ifstream in(file);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read ", what, " ", file));
  }
  std::stringstream text;
  text << in.rdbuf();
  return PemInput{text.str(), file};
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateHubChannel(
    const ClientOptions& options) {
  absl::Status address = CheckHubAddress(options.hub_address);
  if (!address.ok()) return address;
  absl::StatusOr<PemInput> ca =
      ReadPem(options.ca_pem, options.ca_file, "CA certificate", "ca_pem");
  if (!ca.ok()) return ca.status();
  absl::StatusOr<PemInput> certificate =
      ReadPem(options.certificate_pem, options.certificate_file,
              "client certificate", "certificate_pem");
  if (!certificate.ok()) return certificate.status();
  absl::StatusOr<PemInput> key =
      ReadPem(options.private_key_pem, options.private_key_file, "private key",
              "private_key_pem");
  if (!key.ok()) return key.status();
  // What the hub would refuse without saying why, or what gRPC would report
  // only as a failed handshake, is said here, before connecting.
  absl::Status usable =
      CheckClientCredentials(*ca, *certificate, *key, absl::Now());
  if (!usable.ok()) return usable;
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = std::move(ca->pem);
  tls.pem_cert_chain = std::move(certificate->pem);
  tls.pem_private_key = std::move(key->pem);
  if (options.retry.max_attempts < 1) {
    return absl::InvalidArgumentError("retry.max_attempts must be at least 1");
  }

  grpc::ChannelArguments args;
  if (!options.server_name_override.empty()) {
    args.SetSslTargetNameOverride(options.server_name_override);
  }
  args.SetMaxReceiveMessageSize(kMaxReplyBytes);
  // Reconnect to a restarted hub as promptly as the retry policy retries,
  // rather than after gRPC's default backoff of up to two minutes.
  const int min_backoff_ms = static_cast<int>(
      absl::ToInt64Milliseconds(options.retry.initial_backoff));
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
              std::max(min_backoff_ms, 1));
  // Not GRPC_ARG_MIN_RECONNECT_BACKOFF_MS: in gRPC 1.51 it is also the
  // connect timeout, and a small one makes handshakes under load fail.
  args.SetInt(
      GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
      static_cast<int>(absl::ToInt64Milliseconds(options.retry.max_backoff)));
  absl::StatusOr<
      std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
      signing = StepSigningInterceptors(options);
  if (!signing.ok()) return signing.status();
  std::vector<
      std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
      interceptors;
  if (*signing != nullptr) interceptors.push_back(*std::move(signing));
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      options.hub_address, grpc::SslCredentials(tls), args,
      std::move(interceptors));
}

}  // namespace sx::client::internal
