// The web console (控制台): an HTTPS listener of sxhub for administrators,
// auditors and supervising agencies, with the hub's certificate and the same
// client-certificate authentication as the gRPC services. Its pages and
// JSON endpoints answer from the same cores as AdminService and
// SupervisionLedgerService, under the same rules (console_access.h); it adds
// no power of its own.
//
//   ConsoleOptions options{...};
//   absl::StatusOr<std::unique_ptr<ConsoleServer>> console =
//       ConsoleServer::Start(options);
//   ... (*console)->port() ...
//   console->reset();  // stops listening, waits for requests in flight
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "supervision/v1/config.pb.h"
#include "sx/core/admin_core.h"
#include "sx/core/hub_config.h"
#include "sx/core/identity.h"
#include "sx/core/supervision_ledger_core.h"

namespace sx::console {

// Who a client certificate names, by the gRPC services' rules: `uris` are
// the URI SANs of the certificate (OpenSSL verified its chain and CRL),
// `certificate_pem` the certificate. Thread-safe.
using CertificateIdentifier = std::function<absl::StatusOr<core::Identity>(
    const std::vector<absl::string_view>& uris,
    absl::string_view certificate_pem)>;

struct ConsoleOptions {
  // HOST:PORT; port 0 picks a free one.
  std::string address;
  // The hub's certificate, key, client CA and CRL directory.
  ::supervision::v1::TlsConfig tls;
  CertificateIdentifier identify;
  core::AdminCore::ConfigSource config;
  // Not owned; outlive the console.
  core::AdminCore* admin = nullptr;
  core::SupervisionLedgerCore* ledger = nullptr;
  // Where refusals are logged (one line each, no contents); may be empty.
  std::function<void(absl::string_view line)> log;
};

// Thread-safe. Requests are served on a pool of the console's own threads,
// never on gRPC's.
class ConsoleServer {
 public:
  // Sets up TLS (refusing a handshake without a client certificate that the
  // CA issued and its CRLs do not revoke), binds `options.address` and
  // starts serving. Ignores SIGPIPE for the whole process.
  static absl::StatusOr<std::unique_ptr<ConsoleServer>> Start(
      ConsoleOptions options);

  ConsoleServer(const ConsoleServer&) = delete;
  ConsoleServer& operator=(const ConsoleServer&) = delete;
  // Stops listening and waits for the requests in flight.
  ~ConsoleServer();

  // The port it listens on.
  int port() const { return port_; }

 private:
  class Routes;
  ConsoleServer() = default;

  std::unique_ptr<Routes> routes_;
  int port_ = 0;
};

}  // namespace sx::console
