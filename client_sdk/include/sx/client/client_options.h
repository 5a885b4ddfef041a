// Where the hub is and who is calling: what every SDK client
// (ExchangeClient, AdminClient, AuditClient) is connected with, and how its
// unary calls are timed out and retried.
#pragma once

#include <string>

#include "absl/time/time.h"

namespace sx::client {

struct RetryPolicy {
  // Attempts in all, the first included. 1 disables retries.
  int max_attempts = 5;
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
};

struct ClientOptions {
  // host:port of the hub.
  std::string hub_address = "127.0.0.1:7443";
  // The caller's certificate and key (an agency's, an administrator's or an
  // auditor's), and the CA that signed the hub's certificate: as file paths, or
  // as PEM text (PEM wins when both are set).
  std::string certificate_file;
  std::string private_key_file;
  std::string ca_file;
  std::string certificate_pem;
  std::string private_key_pem;
  std::string ca_pem;
  // The name the hub's certificate carries, if it differs from the host in
  // hub_address (e.g. dialing 127.0.0.1 for a certificate of "localhost").
  std::string server_name_override;
  // Deadline of each attempt of each unary call.
  absl::Duration call_timeout = absl::Seconds(10);
  RetryPolicy retry;
};

}  // namespace sx::client
