// The SDK's client options for one identity of the dev PKI against a hub
// started by the e2e tests, with retries enough to ride out a restart.
//
//   auto sdk = client::ConnectExchangeClient(SdkOptions(*hub_, *pki_, name));
#pragma once

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "sx/client/client_options.h"
#include "tests/e2e/hub_process.h"

namespace sx::testing {

inline client::ClientOptions SdkOptions(const HubProcess& hub,
                                        const DevPki& pki,
                                        const std::string& name) {
  client::ClientOptions options;
  options.hub_address = absl::StrCat("127.0.0.1:", hub.port());
  options.server_name_override = "localhost";
  options.certificate_file = pki.Cert(name);
  options.private_key_file = pki.Key(name);
  options.ca_file = pki.Cert("ca");
  options.retry.max_attempts = 8;
  // Agencies sign their steps, as the example config lets them: every e2e
  // test that takes steps through the SDK exercises the signatures.
  if (std::filesystem::exists(pki.SigningCert(name))) {
    options.signing.key_file = pki.SigningKey(name);
    options.signing.certificate_file = pki.SigningCert(name);
  }
  return options;
}

}  // namespace sx::testing
