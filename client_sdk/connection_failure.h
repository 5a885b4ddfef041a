// What a failed call says about the connection to the hub, and how the SDK
// reports it: a transport or TLS failure becomes UNAVAILABLE or
// UNAUTHENTICATED with the hub's address, the cause in words a person can
// act on, and gRPC's own detail — instead of the DEADLINE_EXCEEDED that
// waiting retries would otherwise end in. Private to the SDK.
//
// What a client can learn: gRPC reports its own side of the handshake (the
// hub's certificate not signed by our CA, or not carrying the expected name)
// and transport errors (refused, unresolvable). When the hub refuses *our*
// certificate, TLS tells us only that the hub closed the connection during
// the handshake; the reason (unknown CA, revoked, no configured identity) is
// in the hub's log. The SDK checks what it can see itself before connecting
// (credential_check.h).
#pragma once

#include <atomic>
#include <string>

#include "grpcpp/support/status.h"

namespace sx::client::internal {

enum class ConnectionFailure {
  // The call reached the hub (or failed for a reason that is not the
  // connection's): nothing to explain.
  kNone,
  // Nothing answered at the address: a retry may help if the hub is
  // starting.
  kUnreachable,
  // The host name did not resolve. gRPC keeps resolving in the background,
  // and calls meanwhile wait for it to their deadline, so before the hub has
  // ever answered this is reported at once.
  kUnresolvable,
  // The hub's certificate was not accepted (not signed by our CA, or without
  // the expected name): no retry helps.
  kHubCertificateRejected,
  // The hub closed the connection during the TLS handshake. Before the hub
  // ever answered this client, that is the hub refusing our certificate;
  // after, a hub going down.
  kClosedInHandshake,
};

ConnectionFailure ClassifyConnectionFailure(const grpc::Status& status);

// Whether the hub has ever answered a call on this client's channel. Before
// it has, a connection failure is a setup mistake more often than a hub
// restart, so it is reported at once instead of waited out. Thread-safe.
class ConnectionHistory {
 public:
  explicit ConnectionHistory(std::string address)
      : address_(std::move(address)) {}

  void RecordAnswer() { answered_.store(true, std::memory_order_relaxed); }
  bool answered() const { return answered_.load(std::memory_order_relaxed); }
  const std::string& address() const { return address_; }

 private:
  const std::string address_;
  std::atomic<bool> answered_{false};
};

// Whether `status`, from an attempt on a channel with `history`, is worth
// another attempt at all (the retry policy decides how many).
bool ConnectionFailureIsRetryable(ConnectionFailure failure,
                                  const ConnectionHistory& history);

// `status` with its code and message explaining `failure` for `address`;
// `status` itself when there is nothing to explain.
grpc::Status ExplainConnectionFailure(const grpc::Status& status,
                                      ConnectionFailure failure,
                                      const ConnectionHistory& history);

}  // namespace sx::client::internal
