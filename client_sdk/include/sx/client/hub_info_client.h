// Who the hub takes you to be, through HubInfoService: the identity your
// certificate names as the hub's config describes it, the hub's id and
// version, and its clock. Callable with any configured certificate (agency,
// administrator or auditor), so it is the first call to make when setting a
// client up: a wrong certificate, CA, address or clock shows up here.
//
//   sx::client::ClientOptions options;  // any identity's cert and key
//   auto info = sx::client::ConnectHubInfoClient(options);
//   if (!info.ok()) return info.status();
//   absl::StatusOr<sx::client::WhoAmIAnswer> me = (*info)->WhoAmI();
//   if (me.ok()) std::cout << me->caller.name << " on " << me->hub_id;
//
// Deadlines and retries follow ClientOptions, as for ExchangeClient.
// HubInfoClient is an interface so that programs can substitute a fake in
// their own tests; its methods have defaults, as ExchangeClient's have.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sx/client/client_options.h"
#include "sx/client/export.h"
#include "sx/client/types.h"

namespace sx::client {

// The caller as the hub sees it: from its certificate and the hub's config.
struct CallerIdentity {
  IdentityKind kind = IdentityKind::kUnspecified;
  // The agency id, or the operator's name.
  std::string name;
  // The URI SAN of the certificate the call was made with.
  std::string certificate_uri;
  // Agencies only, as configured: the type routes refer to, the name shown
  // to people, and whether it supervises (may remind on any referral).
  std::string agency_type;
  std::string display_name;
  bool supervisor = false;
};

struct WhoAmIAnswer {
  CallerIdentity caller;
  std::string hub_id;
  std::string hub_version;
  // The hub's clock when it answered; compared with the local clock around
  // the call, it shows how far the two are apart. InfinitePast if unset.
  absl::Time hub_time = absl::InfinitePast();
};

// Thread-safe: one client may serve many threads.
//
// No method is pure virtual: each has a default that fails with
// UNIMPLEMENTED ("HubInfoClient::WhoAmI is not implemented by this
// client"), defined in the SDK library, as for AdminClient.
// ConnectHubInfoClient returns a client that implements every method.
class SX_CLIENT_EXPORT HubInfoClient {
 public:
  virtual ~HubInfoClient();

  // Changes nothing on the hub. The first call on a new client also makes
  // the connection (TLS handshake included).
  virtual absl::StatusOr<WhoAmIAnswer> WhoAmI();
};

// Connects over mutual TLS with any configured identity's certificate.
// Before connecting it checks what it can itself:
// INVALID_ARGUMENT for an unreadable file, an address without a port, a PEM
// that does not parse or a key that is not the certificate's;
// UNAUTHENTICATED for a certificate the hub would refuse for what it
// carries (expired, not yet valid, not exactly one URI SAN). The connection
// itself is made lazily, on the first call.
SX_CLIENT_EXPORT absl::StatusOr<std::unique_ptr<HubInfoClient>>
ConnectHubInfoClient(const ClientOptions& options);

}  // namespace sx::client
