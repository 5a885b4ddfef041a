// Serves a scripted fake of the hub's gRPC services on a free loopback port
// with the dev PKI's hub certificate and mutual TLS, so that SDK tests script
// the hub's answers and still go through the SDK's real transport.
//
//   ScriptedHub hub;                       // a
//   ::supervision::v1::ExchangeService::Service FakeHubServer server(pki, hub);
//   ASSERT_TRUE(server.started());
//   auto client = client::ConnectExchangeClient(
//       server.ClientOptionsFor("inspection-office"));
#pragma once

#include <memory>
#include <string>

#include "grpcpp/impl/codegen/service_type.h"
#include "grpcpp/server.h"
#include "sx/client/client_options.h"
#include "tests/e2e/hub_process.h"

namespace sx::testing {

// Not thread-safe; the services it serves must be.
class FakeHubServer {
 public:
  // `service` must outlive the server.
  FakeHubServer(const DevPki& pki, grpc::Service& service);
  // Stops serving; calls still open by then are cancelled.
  ~FakeHubServer();

  bool started() const { return server_ != nullptr; }
  // Options for a client presenting `<identity>.crt` from the PKI.
  client::ClientOptions ClientOptionsFor(const std::string& identity) const;

 private:
  const DevPki& pki_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace sx::testing
