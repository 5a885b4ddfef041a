#include "tests/e2e/fake_hub_server.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "tests/support/read_file.h"

namespace sx::testing {
namespace {

// How long open calls (an inbox stream waiting for its client) get to end
// by themselves at shutdown before they are cancelled.
constexpr std::chrono::seconds kShutdownGrace(2);

}  // namespace

FakeHubServer::FakeHubServer(const DevPki& pki, grpc::Service& service)
    : pki_(pki) {
  grpc::SslServerCredentialsOptions tls(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  tls.pem_root_certs = ReadFile(pki_.Cert("ca"));
  tls.pem_key_cert_pairs.push_back(
      {ReadFile(pki_.Key("hub")), ReadFile(pki_.Cert("hub"))});
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(tls),
                           &port_);
  builder.RegisterService(&service);
  server_ = builder.BuildAndStart();
}

FakeHubServer::~FakeHubServer() {
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
  }
}

client::ClientOptions FakeHubServer::ClientOptionsFor(
    const std::string& identity) const {
  client::ClientOptions options;
  options.hub_address = absl::StrCat("127.0.0.1:", port_);
  options.server_name_override = "localhost";
  options.certificate_file = pki_.Cert(identity);
  options.private_key_file = pki_.Key(identity);
  options.ca_file = pki_.Cert("ca");
  return options;
}

}  // namespace sx::testing
