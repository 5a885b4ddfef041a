// Where the hub is and who is calling: what every SDK client
// (ExchangeClient, AdminClient, AuditClient) is connected with, and how its
// unary calls are timed out and retried.
#pragma once

#include <cstddef>
#include <string>

#include "absl/time/time.h"

namespace sx::client {

struct RetryPolicy {
  // Attempts in all, the first included. 1 disables retries.
  int max_attempts = 5;
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
};

// How ExchangeClient::SubmitAsync gathers submits into SubmitReferrals calls
// under load, in the manner of google-cloud-cpp's Pub/Sub publisher. While no
// submit of the client is on its way to the hub, a submit goes out at once,
// alone (SubmitReferral). While some are, new submits gather and go out
// together as soon as one of these holds: `max_count` have gathered, their
// requests reach `max_bytes`, `max_hold` has passed since the first of them
// gathered, or nothing is on its way any more. So a lone submit waits for
// nothing, and under load each call carries what gathered while the
// previous ones were out. Each referral keeps its own request id, checks and
// result, as in SubmitBatch.
struct SubmitBatching {
  // At most this many referrals per call; 1 turns gathering off (every
  // SubmitAsync is its own SubmitReferral). Keep it at or below the hub's
  // limits.max_batch_submits (default 100): the hub refuses a larger call
  // as a whole, and the SDK then sends its referrals again in calls half
  // as large until the hub takes them (one at a time to a hub without
  // SubmitReferrals), which costs a refused call each time.
  int max_count = 100;
  // At most this many bytes of encoded requests per call, well under the
  // hub's limits.max_message_bytes (default 16 MiB) and gRPC's default
  // 4 MiB for a reply; a referral larger than this goes alone.
  size_t max_bytes = size_t{1} << 20;
  // The longest a submit waits for others to gather while calls are out.
  absl::Duration max_hold = absl::Milliseconds(5);
};

// An agency's signing key and certificate, to sign each step it takes
// (non-repudiation; StepSignature in referral.proto). Not the TLS pair: the
// certificate is issued for signing (key usage nonRepudiation) by the CA of
// the hub's step_signatures.ca_file, for the agency's URI. As files or as
// PEM text (PEM wins). Empty: steps go unsigned.
struct StepSigning {
  std::string key_file;
  std::string certificate_file;
  std::string key_pem;
  std::string certificate_pem;
};

struct ClientOptions {
  // host:port of the hub. Several hubs on one database (one serves, the
  // others wait without listening): a gRPC target that lists them all,
  // e.g. "ipv4:10.0.0.5:7443,10.0.0.6:7443", or a DNS name with one
  // address per hub; the channel connects to whichever listens, and a call
  // cut off by a takeover is retried there with its request id.
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
  SubmitBatching submit_batching;
  StepSigning signing;
};

}  // namespace sx::client
